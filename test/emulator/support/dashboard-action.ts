/** Presses a dashboard button as the page does: a form POST carrying this start's form token, read from the page. */
export async function formToken(emulatorUrl: string): Promise<string> {
  const page = await (await fetch(`${emulatorUrl}/`)).text();
  const token = /name="token" value="([\w-]+)"/.exec(page)?.[1];
  if (!token) throw new Error('the dashboard page carries no form token');
  return token;
}

export interface DashboardActionOptions {
  /** The page to come back to. @default '/' */
  back?: string;
  /** @default the token the page carries now */
  token?: string;
  /** Extra request headers (e.g. a browser's Origin). */
  headers?: Record<string, string>;
}

export async function dashboardAction(
  emulatorUrl: string,
  action: string,
  name: string,
  options: DashboardActionOptions = {},
): Promise<Response> {
  return fetch(`${emulatorUrl}/_emulator/actions/${action}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...options.headers },
    body: new URLSearchParams({ name, back: options.back ?? '/', token: options.token ?? (await formToken(emulatorUrl)) }).toString(),
  });
}
