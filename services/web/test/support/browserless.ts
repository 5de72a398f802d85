/**
 * A person's browser without a browser, for the fast e2e tests: `fetch` with a cookie jar, redirects followed by
 * hand (so each hop's cookies are kept), and the forms' CSRF tokens read from the page.
 */
export class Visitor {
  constructor(
    readonly base: string,
    private readonly cookies = new Map<string, string>(),
  ) {}

  /** The same browser (its cookies) talking to another address: a second replica of the service. */
  at(base: string): Visitor {
    return new Visitor(base, this.cookies);
  }

  /** GET (following redirects); answers the final status, URL and body. */
  async get(path: string, headers: Record<string, string> = {}) {
    return this.follow(new URL(path, this.base), { method: 'GET', headers });
  }

  /** GET a download (following redirects): its bytes as they came, with the final status and headers. */
  async bytes(path: string, headers: Record<string, string> = {}) {
    const { body, ...rest } = await this.follow(new URL(path, this.base), { method: 'GET', headers }, (r) =>
      r.arrayBuffer(),
    );
    return { ...rest, bytes: Buffer.from(body) };
  }

  /** POST a form (urlencoded), following the redirect that answers it. */
  async post(path: string, form: Record<string, string>, headers: Record<string, string> = {}) {
    return this.follow(new URL(path, this.base), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(form).toString(),
    });
  }

  /** Signs in through the OIDC provider's account picker as `accountId`; answers the page it lands on. */
  async signIn(accountId: string) {
    const picker = await this.get('/login');
    const action = /action="(\/login\/accounts\/[^"]+)"/.exec(picker.body)?.[1];
    if (!action) throw new Error(`no account picker at ${picker.url}: ${picker.status}`);
    return this.post(action, { _csrf: csrfOf(picker.body), accountId });
  }

  private async follow<T = string>(
    url: URL,
    init: { method: string; headers: Record<string, string>; body?: string },
    read: (response: Response) => Promise<T> = (response) => response.text() as Promise<T>,
  ) {
    let current = url;
    let request = init;
    for (let hop = 0; hop < 10; hop++) {
      const response = await fetch(current, {
        ...request,
        headers: { ...request.headers, cookie: this.cookieHeader() },
        redirect: 'manual',
      });
      for (const line of response.headers.getSetCookie()) {
        const [pair] = line.split(';');
        const eq = pair!.indexOf('=');
        this.cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1));
      }
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        current = new URL(location, current);
        request = { method: 'GET', headers: {} };
        continue;
      }
      return {
        status: response.status,
        url: current.href,
        body: await read(response),
        headers: response.headers,
      };
    }
    throw new Error('too many redirects');
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/** The first CSRF token of a page's forms. */
export function csrfOf(page: string): string {
  const token = /name="_csrf" value="([^"]+)"/.exec(page)?.[1];
  if (!token) throw new Error('no CSRF token on the page');
  return token;
}

/** The named values of the first form of a page that contains `marker` (e.g. `value="confirm"`). */
export function formValues(page: string, marker: string): Record<string, string> {
  const form = page.match(/<form[\s\S]*?<\/form>/g)?.find((f) => f.includes(marker));
  if (!form) throw new Error(`no form with ${marker}`);
  const unescape = (v: string) =>
    v
      .replaceAll('&quot;', '"')
      .replaceAll('&#39;', "'")
      .replaceAll('&lt;', '<')
      .replaceAll('&gt;', '>')
      .replaceAll('&amp;', '&');
  return Object.fromEntries(
    [...form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"\s*\/?>/g)].map((m) => [
      m[1]!,
      unescape(m[2]!),
    ]),
  );
}
