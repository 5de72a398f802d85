/**
 * The web app's two languages: Vietnamese by default, English on request (the `lang` cookie set by the switch,
 * else the browser's first language). Dates as dd/mm/yyyy and numbers as vi-VN in both, as officials write them.
 */
import type { FastifyRequest } from 'fastify';
import messages from './data/messages.json' with { type: 'json' };

export type Lang = 'vi' | 'en';

/** The request's language: the switch's cookie, else English only when the browser asks for it first. */
export function langOf(request: FastifyRequest): Lang {
  const chosen = request.cookies?.['lang'];
  if (chosen === 'vi' || chosen === 'en') return chosen;
  const first = request.headers['accept-language']?.split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('en') ? 'en' : 'vi';
}

/** dd/mm/yyyy of an ISO date or instant, on Vietnam's calendar day. */
export function formatDate(value: string | Date): string {
  const date = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : vietnamDay(value);
  const [y, m, d] = date.split('-');
  return `${d}/${m}/${y}`;
}

/** dd/mm/yyyy hh:mm in Vietnam (UTC+7, no daylight saving). */
export function formatDateTime(value: string | Date): string {
  const shifted = new Date(new Date(value).getTime() + 7 * 3600_000).toISOString();
  return `${formatDate(shifted.slice(0, 10))} ${shifted.slice(11, 16)}`;
}

function vietnamDay(value: string | Date): string {
  return new Date(new Date(value).getTime() + 7 * 3600_000).toISOString().slice(0, 10);
}

const NUMBER = new Intl.NumberFormat('vi-VN');
/** A number as Vietnamese write it (1.234,5). */
export const formatNumber = (n: number): string => NUMBER.format(n);

/** Every text of the app, in both languages: data (`data/messages.json`), where a province can change the wording. */
const { $comment: _about, ...MESSAGES } = messages;
export { MESSAGES };

export type MessageKey = keyof typeof MESSAGES;
export type Translate = (key: MessageKey) => string;

export const translator =
  (lang: Lang): Translate =>
  (key) =>
    MESSAGES[key][lang];
