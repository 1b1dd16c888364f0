import { ApiError } from './api';
import { errorText, Lang, strings } from './i18n';
import { useFocusHeading } from './signin';

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

// isNotFound: the API knows no such post, space, ticket, member... (or none this reader
// may see: it answers the same 404).
export const isNotFound = (code?: string) => !!code && (code === 'not_found' || code.endsWith('_not_found'));

// NotFound is the page of an unknown address, or of a subject the API does not know
// (code: its problem code, whose sentence says what is missing).
export function NotFound(props: { lang: Lang; navigate: (path: string) => void; code?: string }) {
  const s = strings[props.lang];
  const heading = useFocusHeading();
  return (
    <section class="not-found">
      <h1 tabIndex={-1} ref={heading}>
        {s.notFoundTitle}
      </h1>
      <p>{props.code ? errorText(s, props.code) : s.notFoundText}</p>
      <p>
        <a
          href="/"
          onClick={(e) => {
            e.preventDefault();
            props.navigate('/');
          }}
        >
          {s.notFoundHome}
        </a>
      </p>
    </section>
  );
}

// LoadProblem is what a page shows when its subject did not load: the not-found page
// for a 404, the problem's sentence otherwise.
export function LoadProblem(props: { lang: Lang; code: string; navigate: (path: string) => void }) {
  return isNotFound(props.code) ? <NotFound lang={props.lang} code={props.code} navigate={props.navigate} /> : <Problem lang={props.lang} code={props.code} />;
}
