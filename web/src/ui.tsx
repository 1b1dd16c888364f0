import { ApiError } from './api';
import { errorText, Lang, strings } from './i18n';

// codeOf is the problem code of a failed call.
export const codeOf = (e: unknown) => (e instanceof ApiError ? e.code : 'internal');

// Problem shows a problem code's explanation, announced to screen readers.
export function Problem(props: { lang: Lang; code?: string; id?: string }) {
  if (!props.code) return null;
  return (
    <p class="error" role="alert" id={props.id}>
      {errorText(strings[props.lang], props.code)}
    </p>
  );
}

// Done confirms that something worked.
export function Done(props: { show: boolean; text: string }) {
  if (!props.show) return null;
  return (
    <p class="ok" role="status">
      {props.text}
    </p>
  );
}
