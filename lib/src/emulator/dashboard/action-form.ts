/**
 * The dashboard's one way to make a button that changes something: a POST form to
 * /_emulator/actions/<path> that carries this start's form token (form-token.ts) and the page to
 * come back to. Every action form of every section is made here, so none can lack the token.
 */
import { FORM_TOKEN_FIELD } from './form-token.js';
import { html } from './html.js';

/** What every form of a page carries: the page to come back to and this start's form token. */
export interface FormContext {
  back: string;
  formToken: string;
}

export const action = (page: FormContext, path: string, name: string, label: string, extra: { confirm?: string; kind?: string } = {}) =>
  html` <form method="post" action="/_emulator/actions/${path}" ${extra.confirm ? html`data-confirm="${extra.confirm}"` : ''}>
    <input type="hidden" name="name" value="${name}" /><input type="hidden" name="back" value="${page.back}" />
    <input type="hidden" name="${FORM_TOKEN_FIELD}" value="${page.formToken}" />
    <button type="submit" class="${extra.kind ?? ''}">${label}</button>
  </form>`;
