/**
 * Generated documents of a dossier as PDF (`@ntm/documents`): `GET /dossiers/{id}/receipt.pdf` (giấy tiếp nhận hồ
 * sơ và hẹn trả kết quả), `supplement-request.pdf` (phiếu yêu cầu bổ sung, hoàn thiện hồ sơ), `apology-letter.pdf`
 * (phiếu xin lỗi và hẹn lại ngày trả kết quả, form 04),
 * `appraisal-report.pdf`, `council-minutes.pdf` and `decision.pdf` (the chairman's decision with its number).
 * Authorised as the dossier itself (`can(read)`: a dossier the caller may not read is not found); rendered from
 * the events up to the revision whose hash chain was checked, so the same log gives the same bytes, and the ETag is
 * their SHA-256. 409 DOCUMENT_NOT_AVAILABLE while the step the document records has not happened.
 *
 * Signing the decision is a recorded step (ADR 0028): `POST /dossiers/{id}/decision/signature` (SignDecision, by
 * whoever may decide the dossier) renders the decision from the log, signs it with the configured signer (SIGNER,
 * ADR 0017), verifies it, stores the signed PDF in the blob store and records its hash, size, certificate and
 * verdict in a `DecisionSigned` event. From then on `decision.pdf` is that stored file: its hash and size are
 * checked against the event and its signature verified again on every request (`x-signature-verdict`), and a
 * stored file that is missing or altered is refused, never served. Before it is signed, `decision.pdf` is the
 * unsigned draft (`x-signature-verdict: unsigned`). `GET /dossiers/{id}/decision/signature` shows the record and
 * the verification report.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ChainBrokenError, commandHandler, dossierFor } from '@ntm/application';
import type { Principal } from '@ntm/auth';
import type { BlobStore, StagedBlob } from '@ntm/blob-store';
import {
  DOCUMENT_NAMES,
  DOCUMENT_TITLES,
  documentRenderer,
  dossierDocument,
  renderOfficialDocument,
  type DocumentLayout,
  type DocumentName,
} from '@ntm/documents';
import { decide, type DecisionSignature, type DossierState } from '@ntm/domain';
import type { OpenedSigner, VerificationReport } from '@ntm/signing';
import { verifyChain, type RecordedEvent } from '@ntm/event-store';
import { commandPortsOf, DOSSIER_ID, etagOf, parseIfMatch } from '../dossier.js';
import { domainProblem, ProblemError, problems } from '../problems.js';
import { correlationIdOf } from '../plugins/requestContext.js';

export interface DocumentRoutesOptions {
  /** the API's public address: the QR code links to `<publicUrl>/dossiers/{id}/verify` */
  publicUrl: string;
  /** signs decision.pdf; absent (or SIGNER=none) leaves it unsigned */
  signer?: OpenedSigner | undefined;
}

const notAvailable = (name: DocumentName, id: string) =>
  new ProblemError(
    409,
    'DOCUMENT_NOT_AVAILABLE',
    {
      vi: `Hồ sơ ${id} chưa có ${DOCUMENT_TITLES[name].vi.toLowerCase()}: bước tạo ra văn bản này chưa diễn ra`,
      en: `Dossier ${id} has no ${DOCUMENT_TITLES[name].en.toLowerCase()} yet: the step that produces it has not happened`,
    },
    { document: name },
  );

const signerUnavailable = () =>
  new ProblemError(503, 'SIGNER_UNAVAILABLE', {
    vi: 'Không ký số được quyết định lúc này: dịch vụ ký số không phản hồi',
    en: 'The decision cannot be signed now: the signing service did not answer',
  });

const signingProblems = {
  signerNotConfigured: () =>
    new ProblemError(503, 'SIGNER_NOT_CONFIGURED', {
      vi: 'Chưa cấu hình dịch vụ ký số (SIGNER)',
      en: 'No signer is configured (SIGNER)',
    }),
  storeMissing: () =>
    new ProblemError(503, 'DOCUMENT_STORE_UNAVAILABLE', {
      vi: 'Kho tệp tài liệu chưa được cấu hình',
      en: 'No document file store is configured',
    }),
  signatureInvalid: (problemsFound: string[]) =>
    // The fresh signature did not verify: nothing is recorded, and whoever runs the signer must look.
    new ProblemError(
      500,
      'DECISION_SIGNATURE_INVALID',
      {
        vi: 'Chữ ký số vừa tạo không hợp lệ; quyết định chưa được ghi nhận là đã ký',
        en: 'The signature just made does not verify; the decision is not recorded as signed',
      },
      { problems: problemsFound },
    ),
  notSigned: (id: string) =>
    new ProblemError(404, 'DECISION_NOT_SIGNED', {
      vi: `Quyết định của hồ sơ ${id} chưa được ký số`,
      en: `The decision of dossier ${id} has not been signed`,
    }),
  altered: (problem: string) =>
    // 500: the log vouches for other bytes than the store holds; it pages whoever runs the service.
    new ProblemError(
      500,
      'SIGNED_DECISION_ALTERED',
      {
        vi: 'Tệp quyết định đã ký trong kho bị thiếu hoặc không khớp với nhật ký; sự cố đã được ghi lại',
        en: 'The signed decision in the store is missing or does not match the log; it has been logged',
      },
      { problem },
    ),
} as const;

/** The PDF text fields are at most what the event's schema takes. */
const short = (text: string | undefined) => (text ?? '-').slice(0, 200) || '-';

/** Reads a stored signed decision whole (a few hundred KB) and checks it against its event. */
async function storedDecision(
  blobs: BlobStore,
  signature: DecisionSignature,
): Promise<{ ok: true; bytes: Buffer } | { ok: false; problem: 'missing' | 'size' | 'hash' }> {
  const stat = await blobs.stat(signature.sha256);
  if (stat === undefined) return { ok: false, problem: 'missing' };
  if (stat.size !== signature.size) return { ok: false, problem: 'size' };
  const chunks: Buffer[] = [];
  for await (const chunk of await blobs.get(signature.sha256)) chunks.push(chunk as Buffer);
  const bytes = Buffer.concat(chunks);
  if (createHash('sha256').update(bytes).digest('hex') !== signature.sha256)
    return { ok: false, problem: 'hash' };
  return { ok: true, bytes };
}

/** The signature recorded for the dossier's current decision, if it was signed. */
const signatureOf = (state: DossierState): DecisionSignature | undefined =>
  state.decisionSignature !== undefined && state.decisionSignature.decisionNo === state.decision?.decisionNo
    ? state.decisionSignature
    : undefined;

/** PDF signing and verification (pkijs), loaded on the first signature or verification, not at start-up (ADR 0029). */
const pdfSigning = () => import('@ntm/signing');

/**
 * Every signed decision an event of the stream names, checked against the blob store (present, same size, same
 * hash) and its signature verified: what `GET /dossiers/{id}/verify` reports.
 */
export async function verifySignedDecisions(
  blobs: BlobStore,
  events: readonly RecordedEvent[],
  signer: Pick<OpenedSigner, 'trustAnchors'> | undefined,
  at: Date,
) {
  const signed = events.filter((e) => e.type === 'DecisionSigned');
  const results: {
    decisionNo: string;
    sha256: string;
    problem?: 'missing' | 'size' | 'hash';
    verdict?: VerificationReport['verdict'];
    recordedVerdict: string;
  }[] = [];
  for (const event of signed) {
    const signature = event.data as unknown as DecisionSignature;
    const stored = await storedDecision(blobs, signature);
    const at0 = {
      decisionNo: signature.decisionNo,
      sha256: signature.sha256,
      recordedVerdict: signature.verdict,
    };
    if (!stored.ok) results.push({ ...at0, problem: stored.problem });
    else
      results.push({
        ...at0,
        verdict: (
          await (
            await pdfSigning()
          ).verifyPdf(stored.bytes, { trustAnchors: (await signer?.trustAnchors()) ?? [], at })
        ).verdict,
      });
  }
  return {
    ok: results.every((r) => r.problem === undefined && r.verdict !== 'invalid'),
    checked: results.length,
    decisions: results,
  };
}

const documentRoutes: FastifyPluginCallbackZod<DocumentRoutesOptions> = (fastify, opts, done) => {
  const ports = commandPortsOf(fastify);
  const handle = commandHandler(ports);
  /** The dossier's events up to the revision just checked, checked again: documents show only what the chain vouches for. */
  const checkedEvents = async (request: FastifyRequest, principal: Principal, action: string, id: string) => {
    const loaded = await dossierFor(commandPortsOf(fastify, request.log), principal, action, id);
    const events = await fastify.store.readStream(loaded.streamId, {
      maxCount: Number(loaded.revision) + 1,
    });
    const chain = verifyChain(events);
    if (!chain.ok) throw new ChainBrokenError(loaded.streamId, chain.firstBadRevision, chain.reason);
    if (events.at(-1)?.hash !== loaded.hash)
      throw new ChainBrokenError(loaded.streamId, loaded.revision, 'hash_mismatch');
    return { loaded, events };
  };
  const blobsOf = (): BlobStore => {
    if (fastify.blobs === undefined) throw signingProblems.storeMissing();
    return fastify.blobs;
  };

  const verificationUrl = (id: string) => `${opts.publicUrl}/dossiers/${encodeURIComponent(id)}/verify`;
  const render = documentRenderer({ units: fastify.domainContext.units, verificationUrl });
  for (const name of DOCUMENT_NAMES) {
    fastify.get(
      `/dossiers/:id/${name}.pdf`,
      {
        schema: {
          tags: ['documents'],
          summary: `${DOCUMENT_TITLES[name].en} (${DOCUMENT_TITLES[name].vi}) as PDF`,
          security: [{ bearer: [] }],
          params: z.object({ id: z.string().regex(DOSSIER_ID) }),
          querystring: z.strictObject({}),
          produces: ['application/pdf'],
        },
      },
      async (request, reply) => {
        const principal = await fastify.authenticate(request);
        const { id } = request.params;
        const { loaded, events } = await checkedEvents(request, principal, 'read', id);
        const signature = name === 'decision' ? signatureOf(loaded.state) : undefined;
        if (signature !== undefined) return sendSignedDecision(request, reply, id, signature);
        const pdf = await render(name, events);
        if (!pdf) throw notAvailable(name, id);
        if (name === 'decision') void reply.header('x-signature-verdict', 'unsigned');
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

  /** The decision as signed: the stored file, checked against its event and verified again before it is served. */
  const sendSignedDecision = async (
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    signature: DecisionSignature,
  ) => {
    const etag = `"${signature.sha256}"`;
    void reply
      .header('content-type', 'application/pdf')
      .header('etag', etag)
      .header('content-disposition', `inline; filename="decision-${id}.pdf"`)
      .header('cache-control', 'private, no-cache');
    const { bytes, report } = await checkedSignedDecision(request, id, signature);
    void reply
      .header('x-signature-verdict', report.verdict)
      .header('x-signature-signer', encodeURIComponent(signature.signer.subject))
      .header('x-signed-at', signature.signedAt);
    if (request.headers['if-none-match'] === etag) return reply.code(304).send();
    return reply.send(bytes);
  };

  const checkedSignedDecision = async (request: FastifyRequest, id: string, signature: DecisionSignature) => {
    const stored = await storedDecision(blobsOf(), signature);
    if (!stored.ok) {
      request.log.error(
        { dossierId: id, signature, problem: stored.problem },
        'signed decision missing or altered',
      );
      throw signingProblems.altered(stored.problem);
    }
    const report = await (
      await pdfSigning()
    ).verifyPdf(stored.bytes, {
      trustAnchors: (await opts.signer?.trustAnchors()) ?? [],
      at: fastify.clock.now(),
    });
    // The bytes are the ones the log names, so an invalid signature means the recorded file never verified.
    if (report.verdict === 'invalid' || report.verdict === 'unsigned') {
      request.log.error({ dossierId: id, signature, report }, 'signed decision does not verify');
      throw signingProblems.altered('signature');
    }
    return { bytes: stored.bytes, report };
  };

  const Params = z.object({ id: z.string().regex(DOSSIER_ID) });

  fastify.get(
    '/dossiers/:id/decision/signature',
    {
      schema: {
        tags: ['documents'],
        summary: "The decision's signature as recorded (DecisionSigned) and verified again now",
        security: [{ bearer: [] }],
        params: Params,
      },
    },
    async (request) => {
      const principal = await fastify.authenticate(request);
      const { id } = request.params;
      const { loaded } = await checkedEvents(request, principal, 'read', id);
      const signature = signatureOf(loaded.state);
      if (signature === undefined) throw signingProblems.notSigned(id);
      const { report } = await checkedSignedDecision(request, id, signature);
      return { dossierId: id, recorded: signature, stored: { sha256Matches: true }, verification: report };
    },
  );

  fastify.post(
    '/dossiers/:id/decision/signature',
    {
      schema: {
        tags: ['commands'],
        summary: 'Sign the decision (PAdES) and record the signed file (SignDecision)',
        description:
          'Ký số quyết định (SignDecision): the decision is rendered from the log, signed by the configured ' +
          'signer, verified, stored in the blob store, and its hash recorded in a DecisionSigned event.',
        security: [{ bearer: [] }],
        params: Params,
        headers: z.looseObject({ 'if-match': z.string().max(40).optional() }),
      },
      onRequest: async (request) => {
        await fastify.authenticate(request);
      },
    },
    async (request, reply) => {
      const principal = await fastify.authenticate(request);
      const { id } = request.params;
      const ifMatch = request.headers['if-match'];
      if (ifMatch === undefined) throw problems.ifMatchRequired();
      const expectedRevision = parseIfMatch(ifMatch);
      if (expectedRevision === undefined) throw problems.ifMatchMalformed();
      const { loaded, events } = await checkedEvents(request, principal, 'SignDecision', id);
      const now = fastify.clock.now();
      const decisionNo = loaded.state.decision?.decisionNo ?? '-';
      // Judged before the signer is asked: a signature is never made for a command the domain would refuse.
      const judged = decide(
        loaded.state,
        {
          type: 'SignDecision',
          dossierId: id,
          decisionNo,
          sha256: '0'.repeat(64),
          size: 1,
          signer: { subject: '-', issuer: '-' },
          signedAt: now.toISOString(),
          verdict: 'valid',
        },
        { now, actor: principal.actor, onBehalfOf: principal.onBehalfOf, units: fastify.domainContext.units },
      );
      if (!judged.ok) throw domainProblem(judged.error);
      const doc = dossierDocument('decision', events, {
        units: fastify.domainContext.units,
        verificationUrl,
      });
      if (!doc) throw notAvailable('decision', id);
      const key = opts.signer?.key;
      if (key === undefined) throw signingProblems.signerNotConfigured();
      const blobs = blobsOf();
      const { certificateNames, signPdf, verifyPdf } = await pdfSigning();
      const signed = await (async () => {
        // The visible stamp names the certificate's holder and the time, and is drawn before signing: the
        // signature covers it, and its widget sits on it.
        const names = certificateNames((await key.certificates())[0]!);
        const layout: DocumentLayout = {};
        const stamped = await renderOfficialDocument(
          { ...doc, stamp: { signer: names.signer, issuer: names.issuer, signedAt: now } },
          layout,
        );
        return signPdf(stamped, key, {
          name: doc.authority ?? doc.signature.join(' '),
          reason: doc.meta.title,
          location: doc.place,
          signingTime: now,
          ...(layout.stampRect ? { widgetRect: layout.stampRect } : {}),
        });
      })().catch((error: unknown) => {
        request.log.error({ err: error, dossierId: id }, 'signing the decision failed');
        throw signerUnavailable();
      });
      const report = await verifyPdf(signed, { trustAnchors: await opts.signer!.trustAnchors(), at: now });
      const made = report.signatures.at(-1);
      if ((report.verdict !== 'valid' && report.verdict !== 'untrusted') || made === undefined)
        throw signingProblems.signatureInvalid(report.signatures.flatMap((x) => x.problems));
      // One chunk: the signed decision is a few hundred KB, already in memory.
      const staged: StagedBlob = await blobs.stage(Readable.from([signed]));
      let committed: { created: boolean } | undefined;
      try {
        const body = {
          decisionNo,
          sha256: staged.hash,
          size: staged.size,
          signer: { subject: short(made.signer), issuer: short(made.issuer) },
          signedAt: now.toISOString(),
          verdict: report.verdict,
        };
        const result = await handle(principal, {
          type: 'SignDecision',
          dossierId: id,
          body,
          expectedRevision,
          correlationId: correlationIdOf(request),
          causationId: request.id,
          beforeAppend: async () => {
            committed ??= await staged.commit();
          },
        });
        if (committed === undefined) await staged.discard();
        return await reply
          .code(201)
          .header('etag', etagOf(result.revision))
          .header('location', `/dossiers/${id}/decision.pdf`)
          .send({
            dossierId: id,
            revision: Number(result.revision),
            events: result.events,
            signature: body,
            verification: report,
          });
      } catch (error) {
        // Nothing stays of a refused signing: the staged bytes, or the blob it created before the append failed.
        if (committed === undefined) await staged.discard();
        else if (committed.created)
          await blobs
            .delete(staged.hash)
            .catch((e: unknown) => request.log.error({ err: e }, 'orphan blob not removed'));
        throw error;
      }
    },
  );
  done();
};

export default documentRoutes;
