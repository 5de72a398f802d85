/**
 * A form per command the dossier's machine allows the signed-in person now (the API's `allowedCommands`), then
 * "check your answers", then the command through the API with the revision the person saw (`If-Match`) and an
 * idempotency key (a double click records once). Errors come back next to their fields: the contract's own
 * check first (the schema the API validates with), then the API's problem details in the person's language.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { COMMAND_SPECS, type CommandSpec } from '@ntm/contracts';
import { vietnamDate, type DossierState } from '@ntm/domain';
import type { Problem } from '../api.js';
import { csrfChecked, screenOf, sendPage, type Screen } from '../context.js';
import {
  bodyFromForm,
  contractErrors,
  formFields,
  prefill,
  problemFieldErrors,
  type Field,
  type FieldError,
} from '../forms.js';
import { answersList, errorMessage, hiddenValues, renderFields } from '../formView.js';
import { fieldLabel } from '../vocabulary.js';
import { html } from '../html.js';
import { backLink, errorSummary } from '../layout.js';

interface DossierView {
  dossierId: string;
  revision: number;
  state: DossierState;
  allowedCommands: string[];
}

/** The commands with a form: all but those issued by a route of their own (uploads, signing; see dossier.ts). */
const specOf = (type: string): CommandSpec | undefined =>
  COMMAND_SPECS.find((s) => s.type === type && !s.upload);
const OPEN = specOf('OpenDossier')!;

export function commandRoutes(fastify: FastifyInstance, now: () => Date): void {
  /** The dossier and the command, if the person may issue it now; otherwise the reply is already sent. */
  async function load(screen: Screen, reply: FastifyReply, id: string | undefined, type: string) {
    const spec = specOf(type);
    if (!id) return spec === OPEN ? { spec, dossier: undefined } : undefined;
    const answer = await screen.api.get<DossierView>(`/dossiers/${encodeURIComponent(id)}`);
    if (answer.status !== 200 || !spec || !answer.body.allowedCommands.includes(type)) {
      void sendPage(
        reply,
        screen.render(
          screen.t('notFound'),
          html`<h1>${screen.t('notFound')}</h1>
            <p>${screen.t('dossierNotFound')}</p>`,
        ),
        404,
      );
      return undefined;
    }
    return { spec, dossier: answer.body };
  }

  const hintsOf = (dossier: DossierView | undefined) => ({
    criteriaCodes: dossier?.state.criteriaCodes ?? [],
  });

  function showForm(
    screen: Screen,
    reply: FastifyReply,
    target: { id: string | undefined; spec: CommandSpec; fields: Field[] },
    values: Record<string, string>,
    errors: FieldError[],
    problem?: string,
  ) {
    const { t, lang } = screen;
    const title = target.spec.summary[lang];
    const action = formAction(target.id, target.spec.type);
    const summaryItems = [
      ...(problem ? [{ message: problem }] : []),
      ...errors.map((e) => ({
        field: e.field,
        message: `${fieldLabel(e.field, lang)}: ${errorMessage(e, t)}`,
      })),
    ];
    const body = html`${backLink(target.id ? `/dossier/${target.id}` : '/inbox', t('back'))}
      ${errorSummary(t, summaryItems)}
      <h1>${title}</h1>
      <form method="post" action="${action}" novalidate>
        <input type="hidden" name="_csrf" value="${screen.csrfToken}" />
        <input type="hidden" name="_action" value="check" />
        ${target.fields.length ? renderFields(target.fields, { values, errors }, lang, t) : html`<p>${t('noAnswers')}</p>`}
        <button class="button">${t('continue')}</button>
      </form>`;
    return sendPage(reply, screen.render(title, body), summaryItems.length ? 400 : 200);
  }

  async function handle(request: FastifyRequest, reply: FastifyReply, id: string | undefined, type: string) {
    const screen = screenOf(fastify, request, reply, now().getTime() / 1000);
    if (!screen) return reply;
    const loaded = await load(screen, reply, id, type);
    if (!loaded) return reply.sent ? reply : reply.code(404).send();
    const { spec, dossier } = loaded;
    const fields = formFields(spec.schema, hintsOf(dossier));
    const target = { id, spec, fields };
    if (request.method === 'GET') {
      return showForm(
        screen,
        reply,
        target,
        { ...defaultsFor(spec, screen, now()), ...prefill(fields, hintsOf(dossier)) },
        [],
      );
    }
    const form = request.body as Record<string, string>;
    const { body, errors } = bodyFromForm(fields, form);
    const contract = errors.length ? [] : contractErrors(spec.schema, body, screen.lang);
    if (form['_action'] === 'edit' || errors.length || contract.length) {
      return showForm(screen, reply, target, form, [...errors, ...contract]);
    }
    if (form['_action'] !== 'confirm') {
      return showCheck(screen, reply, target, form, dossier?.revision);
    }
    const answer = await screen.api.post<Problem & { dossierId?: string }>(
      id ? `/dossiers/${encodeURIComponent(id)}/${spec.slug}` : '/dossiers',
      body,
      {
        ...(id ? { 'if-match': `"${form['_revision'] ?? ''}"` } : {}),
        ...(/^[\w-]{8,64}$/.test(form['_key'] ?? '') ? { 'idempotency-key': form['_key']! } : {}),
      },
    );
    if (answer.status < 300) {
      request.session.flash = `${screen.t('commandDone')}: ${spec.summary[screen.lang]}`;
      return reply.redirect(`/dossier/${answer.body.dossierId ?? id}`);
    }
    const problem = answer.body;
    if (problem.code === 'REVISION_MISMATCH')
      return showForm(screen, reply, target, form, [], screen.t('concurrentChange'));
    return showForm(
      screen,
      reply,
      target,
      form,
      problemFieldErrors(problem.errors),
      problem.detail ?? problem.title,
    );
  }

  function showCheck(
    screen: Screen,
    reply: FastifyReply,
    target: { id: string | undefined; spec: CommandSpec; fields: Field[] },
    values: Record<string, string>,
    revision: number | undefined,
  ) {
    const { t, lang } = screen;
    const action = formAction(target.id, target.spec.type);
    const body = html`<h1>${t('checkAnswers')}</h1>
      <p class="caption">${target.spec.summary[lang]}</p>
      <p>${t('checkIntro')}</p>
      ${answersList(target.fields, values, lang, t)}
      <form method="post" action="${action}">
        <input type="hidden" name="_csrf" value="${screen.csrfToken}" />
        <input type="hidden" name="_action" value="edit" />
        ${hiddenValues(values)}
        <button class="button button-secondary">${t('change')}</button>
      </form>
      <form method="post" action="${action}">
        <input type="hidden" name="_csrf" value="${screen.csrfToken}" />
        <input type="hidden" name="_action" value="confirm" />
        <input type="hidden" name="_revision" value="${revision ?? ''}" />
        <input type="hidden" name="_key" value="${randomUUID()}" />
        ${hiddenValues(values)}
        <button class="button">${t('confirmAndSend')}</button>
      </form>`;
    return sendPage(reply, screen.render(t('checkAnswers'), body));
  }

  fastify.get('/dossier/new', (request, reply) => handle(request, reply, undefined, OPEN.type));
  fastify.post('/dossier/new', csrfChecked(fastify), (request, reply) =>
    handle(request, reply, undefined, OPEN.type),
  );
  fastify.get('/dossier/:id/do/:type', (request, reply) => {
    const { id, type } = request.params as { id: string; type: string };
    return handle(request, reply, id, type);
  });
  fastify.post('/dossier/:id/do/:type', csrfChecked(fastify), (request, reply) => {
    const { id, type } = request.params as { id: string; type: string };
    return handle(request, reply, id, type);
  });
}

const formAction = (id: string | undefined, type: string): string =>
  id ? `/dossier/${id}/do/${type}` : '/dossier/new';

/** What a form starts with: opening a dossier of the person's own commune this year; today's date for dates. */
function defaultsFor(spec: CommandSpec, screen: Screen, now: Date): Record<string, string> {
  const today = vietnamDate(now);
  if (spec === OPEN) {
    return { kind: 'COMMUNE_NTM', unitCode: screen.user.unit, year: today.slice(0, 4) };
  }
  return {};
}
