/**
 * Generated documents of a dossier as PDF (`@ntm/documents`): `GET /dossiers/{id}/receipt.pdf` (giấy tiếp nhận hồ
 * sơ và hẹn trả kết quả), `supplement-request.pdf` (phiếu yêu cầu bổ sung, hoàn thiện hồ sơ),
 * `appraisal-report.pdf`, `council-minutes.pdf` and `decision.pdf` (the chairman's decision with its number).
 * Authorised as the dossier itself (`can(read)`: a dossier the caller may not read is not found); rendered from
 * the events up to the revision whose hash chain was checked, so the same log gives the same bytes, and the ETag is
 * their SHA-256. 409 DOCUMENT_NOT_AVAILABLE while the step the document records has not happened.
 *
 * `decision.pdf` is signed by the configured signer (SIGNER, ADR 0017) and re-verified before it is served: the
 * ETag is the signed file's SHA-256 and `x-signature-verdict` the verification's verdict. The signing time is the
 * time the decision was recorded, and RSASSA-PKCS1-v1_5 is deterministic, so the same log gives the same signed
 * bytes, and the same hash, on every request and every instance.
 */
import { createHash } from 'node:crypto';
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ChainBrokenError, dossierFor } from '@ntm/application';
import { DOCUMENT_NAMES, documentRenderer, dossierDocument, type DocumentName } from '@ntm/documents';
import { signPdf, verifyPdf, type OpenedSigner } from '@ntm/signing';
import { verifyChain } from '@ntm/event-store';
import { commandPortsOf, DOSSIER_ID } from '../dossier.js';
import { ProblemError } from '../problems.js';

export interface DocumentRoutesOptions {
  /** the API's public address: the QR code links to `<publicUrl>/dossiers/{id}/verify` */
  publicUrl: string;
  /** signs decision.pdf; absent (or SIGNER=none) leaves it unsigned */
  signer?: OpenedSigner | undefined;
}

const TITLES: Record<DocumentName, { vi: string; en: string }> = {
  receipt: { vi: 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả', en: 'Receipt and appointment slip' },
  'supplement-request': {
    vi: 'Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ',
    en: 'Request to supplement the dossier',
  },
  'appraisal-report': { vi: 'Báo cáo kết quả thẩm định', en: 'Appraisal report' },
  'council-minutes': { vi: 'Biên bản họp Hội đồng thẩm định', en: 'Minutes of the appraisal council' },
  decision: { vi: 'Quyết định', en: "The chairman's decision" },
};

const notAvailable = (name: DocumentName, id: string) =>
  new ProblemError(
    409,
    'DOCUMENT_NOT_AVAILABLE',
    {
      vi: `Hồ sơ ${id} chưa có ${TITLES[name].vi.toLowerCase()}: bước tạo ra văn bản này chưa diễn ra`,
      en: `Dossier ${id} has no ${TITLES[name].en.toLowerCase()} yet: the step that produces it has not happened`,
    },
    { document: name },
  );

const signerUnavailable = () =>
  new ProblemError(503, 'SIGNER_UNAVAILABLE', {
    vi: 'Không ký số được quyết định lúc này: dịch vụ ký số không phản hồi',
    en: 'The decision cannot be signed now: the signing service did not answer',
  });

const documentRoutes: FastifyPluginCallbackZod<DocumentRoutesOptions> = (fastify, opts, done) => {
  const verificationUrl = (id: string) => `${opts.publicUrl}/dossiers/${encodeURIComponent(id)}/verify`;
  const render = documentRenderer({ units: fastify.domainContext.units, verificationUrl });
  for (const name of DOCUMENT_NAMES) {
    fastify.get(
      `/dossiers/:id/${name}.pdf`,
      {
        schema: {
          tags: ['documents'],
          summary: `${TITLES[name].en} (${TITLES[name].vi}) as PDF`,
          security: [{ bearer: [] }],
          params: z.object({ id: z.string().regex(DOSSIER_ID) }),
          querystring: z.strictObject({}),
          produces: ['application/pdf'],
        },
      },
      async (request, reply) => {
        const principal = await fastify.authenticate(request);
        const { id } = request.params;
        const loaded = await dossierFor(commandPortsOf(fastify, request.log), principal, 'read', id);
        // The events up to the revision just checked, and checked again: the PDF shows only what the chain vouches for.
        const events = await fastify.store.readStream(loaded.streamId, {
          maxCount: Number(loaded.revision) + 1,
        });
        const chain = verifyChain(events);
        if (!chain.ok) throw new ChainBrokenError(loaded.streamId, chain.firstBadRevision, chain.reason);
        if (events.at(-1)?.hash !== loaded.hash)
          throw new ChainBrokenError(loaded.streamId, loaded.revision, 'hash_mismatch');
        let pdf = await render(name, events);
        if (!pdf) throw notAvailable(name, id);
        const key = name === 'decision' ? opts.signer?.key : undefined;
        if (key) {
          // The unsigned rendering is cached; signing makes a new buffer, so the cache keeps the unsigned one.
          const doc = dossierDocument(name, events, { units: fastify.domainContext.units, verificationUrl })!;
          pdf = await signPdf(pdf, key, {
            name: doc.authority ?? doc.signature.join(' '),
            reason: doc.meta.title,
            location: doc.place,
            signingTime: doc.meta.creationDate,
          }).catch((error: unknown) => {
            request.log.error({ err: error, dossierId: id }, 'signing the decision failed');
            throw signerUnavailable();
          });
          const report = await verifyPdf(pdf, {
            trustAnchors: opts.signer!.trustAnchors,
            at: fastify.clock.now(),
          });
          void reply.header('x-signature-verdict', report.verdict);
        }
        const etag = `"${createHash('sha256').update(pdf).digest('hex')}"`;
        void reply
          .header('content-type', 'application/pdf')
          .header('etag', etag)
          .header('content-disposition', `inline; filename="${name}-${id}.pdf"`)
          .header('cache-control', 'private, no-cache');
        if (request.headers['if-none-match'] === etag) return reply.code(304).send();
        return reply.send(pdf);
      },
    );
  }
  done();
};

export default documentRoutes;
