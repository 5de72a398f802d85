/**
 * The notifications' texts in Vietnamese and English, with the glossary's terms (thời hạn, quá hạn, sắp đến hạn,
 * hồ sơ, việc cần xử lý). Rendered when shown or mailed, from the row's codes: the outbox holds no text, so a
 * corrected template applies to every notification not yet read or sent.
 */
import { KIND_NAMES, nameOf, ROLE_NAMES, STEP_NAMES } from '@ntm/domain';
import type { NotificationKind, NotificationParams } from '@ntm/projections';

export type Locale = 'vi' | 'en';

export interface RenderedNotification {
  /** the mail's subject and the in-app title */
  title: string;
  /** plain text, the mail's body without the link */
  body: string;
  /** the dossier's page in the web app */
  link: string;
}

/** dd/mm/yyyy, the glossary's date format (both languages, as on official documents). */
const date = (iso: string | undefined) =>
  iso ? `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}` : '';

const TEXTS: Record<
  NotificationKind,
  Record<
    Locale,
    (p: NotificationParams, n: (names: typeof STEP_NAMES, code: string) => string) => [string, string]
  >
> = {
  waiting: {
    vi: (p, n) => [
      `Hồ sơ ${ref(p)} chờ xử lý`,
      `Hồ sơ ${ref(p)} (${n(KIND_NAMES, p.dossierKind)}, đơn vị ${p.unitCode}) đã chuyển sang bước "${n(STEP_NAMES, p.step)}" và nằm trong việc cần xử lý của anh/chị.`,
    ],
    en: (p, n) => [
      `Dossier ${ref(p)} awaits your action`,
      `Dossier ${ref(p)} (${n(KIND_NAMES, p.dossierKind)}, unit ${p.unitCode}) has moved to "${n(STEP_NAMES, p.step)}" and is in your inbox.`,
    ],
  },
  reminder: {
    vi: (p, n) => [
      `Hồ sơ ${ref(p)} sắp đến hạn`,
      `Thời hạn xử lý hồ sơ ${ref(p)} ở bước "${n(STEP_NAMES, p.step)}" là ngày ${date(p.dueOn)} (còn ${p.days ?? 0} ngày làm việc).`,
    ],
    en: (p, n) => [
      `Dossier ${ref(p)} is due soon`,
      `Dossier ${ref(p)} is due at step "${n(STEP_NAMES, p.step)}" on ${date(p.dueOn)} (${p.days ?? 0} working days left).`,
    ],
  },
  overdue: {
    vi: (p, n) => [
      `Hồ sơ ${ref(p)} đã quá hạn`,
      `Thời hạn xử lý hồ sơ ${ref(p)} ở bước "${n(STEP_NAMES, p.step)}" là ngày ${date(p.dueOn)}; hồ sơ đã quá hạn.`,
    ],
    en: (p, n) => [
      `Dossier ${ref(p)} is overdue`,
      `Dossier ${ref(p)} was due at step "${n(STEP_NAMES, p.step)}" on ${date(p.dueOn)} and is now overdue.`,
    ],
  },
  escalation: {
    vi: (p, n) => [
      `Hồ sơ ${ref(p)} quá hạn tại ${n(ROLE_NAMES, p.overdueRole ?? '')} (${p.overdueUnit ?? ''})`,
      `Thời hạn xử lý hồ sơ ${ref(p)} ở bước "${n(STEP_NAMES, p.step)}" là ngày ${date(p.dueOn)}; hồ sơ đã quá hạn tại ${n(ROLE_NAMES, p.overdueRole ?? '')}, đơn vị ${p.overdueUnit ?? ''}. Thông báo này gửi cấp trên để đôn đốc.`,
    ],
    en: (p, n) => [
      `Dossier ${ref(p)} is overdue with the ${n(ROLE_NAMES, p.overdueRole ?? '')} (${p.overdueUnit ?? ''})`,
      `Dossier ${ref(p)} was due at step "${n(STEP_NAMES, p.step)}" on ${date(p.dueOn)} and is overdue with the ${n(ROLE_NAMES, p.overdueRole ?? '')} of unit ${p.overdueUnit ?? ''}. You receive this notice as their supervisor.`,
    ],
  },
};

/** mã hồ sơ once the dossier has one, else its id. */
const ref = (p: NotificationParams) => p.dossierCode ?? p.dossierId;

/** The title, text and link of a notification in `locale`; `baseUrl` is where the web app is (PUBLIC_URL). */
export function renderNotification(
  notification: { kind: NotificationKind; params: NotificationParams },
  locale: Locale,
  baseUrl: string,
): RenderedNotification {
  const [title, body] = TEXTS[notification.kind][locale](notification.params, (names, code) =>
    nameOf(names, code, locale),
  );
  return {
    title,
    body,
    link: `${baseUrl.replace(/\/+$/, '')}/dossier/${encodeURIComponent(notification.params.dossierId)}`,
  };
}
