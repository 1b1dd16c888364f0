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
  return <HomeNotice navigate={props.navigate} title={s.notFoundTitle} text={props.code ? errorText(s, props.code) : s.notFoundText} link={s.notFoundHome} />;
}

// HomeNotice is a page that only says something: its heading (focused), a sentence and a
// link to the home page.
function HomeNotice(props: { navigate: (path: string) => void; title: string; text: string; link: string }) {
  const heading = useFocusHeading();
  return (
    <section class="not-found">
      <h1 tabIndex={-1} ref={heading}>
        {props.title}
      </h1>
      <p>{props.text}</p>
      <p>
        <a
          href="/"
          onClick={(e) => {
            e.preventDefault();
            props.navigate('/');
          }}
        >
          {props.link}
        </a>
      </p>
    </section>
  );
}

// LoadProblem is what a page shows when its subject did not load: the not-found page
// for a 404, the problem's sentence otherwise.
export function LoadProblem(props: { lang: Lang; code: string; navigate: (path: string) => void }) {
  if (props.code === 'not_signed_in') return <MembersOnly lang={props.lang} navigate={props.navigate} />;
  return isNotFound(props.code) ? <NotFound lang={props.lang} code={props.code} navigate={props.navigate} /> : <Problem lang={props.lang} code={props.code} />;
}

// MembersOnly is what a visitor sees of a page whose data the community keeps for its
// members (a community by invitation: the API answers 401 not_signed_in): a heading,
// the reason in a sentence and the way in (the home page signs in).
export function MembersOnly(props: { lang: Lang; navigate: (path: string) => void }) {
  const s = strings[props.lang];
  return <HomeNotice navigate={props.navigate} title={s.membersOnlyTitle} text={s.membersOnlyText} link={s.signInNav} />;
}

// FormProblem is what a form shows after a failed send: the problem's code and, when
// it is about one field, that field's name (the API's names: `title`, `body`, `emails`).
export type FormProblem = { code: string; field?: string };

// codeFields names the field of the problem codes that are about one field whatever the
// API's `field` says (it names only some: missing_field, invalid_characters...). Forms
// whose field is named otherwise pass their own map to problemOf.
export const codeFields: Record<string, string> = {
  invalid_email: 'email',
  invalid_display_name: 'displayName',
  reserved_display_name: 'displayName',
  staff_display_name: 'displayName',
  bio_too_long: 'bio',
  invalid_tags: 'expertise',
  invalid_links: 'links',
  message_too_long: 'message',
  no_emails: 'emails',
  invalid_valid_days: 'validDays',
  invalid_max_uses: 'maxUses',
  invalid_reason: 'reason',
  invalid_days: 'days',
  too_many_mentions: 'body',
  image_other_space: 'body',
  invalid_image_address: 'body',
  invalid_image: 'body',
  image_shown_too_often: 'body',
  invalid_emails: 'emails',
  invalid_rules: 'text',
  rules_no_images: 'text',
  invalid_access_mode: 'accessMode',
  invalid_roles: 'roles',
  own_admin_role: 'roles',
  invalid_locale: 'locale',
  invalid_directory_query: 'q',
};

// problemOf turns a failed call into a FormProblem: the API's field, else the field its
// code is about (fields: a form's own names for codes, checked first).
export function problemOf(e: unknown, fields?: Record<string, string>): FormProblem {
  const code = codeOf(e);
  const named = e instanceof ApiError ? e.field : undefined;
  return { code, field: fields?.[code] ?? named ?? codeFields[code] };
}

// missing returns a missing_field problem for the first required field left empty (in
// the order given), so a form says which before sending anything; undefined when all are
// filled in.
export function missing(values: [field: string, value: string][]): FormProblem | undefined {
  const empty = values.find(([, v]) => !v.trim());
  return empty ? { code: 'missing_field', field: empty[0] } : undefined;
}

// fieldAttrs are the attributes of an input whose field has the form's problem: marked
// invalid and described by the sentence under it (FieldProblem, id `<id>-error`).
export function fieldAttrs(problem: FormProblem | undefined, field: string, id: string) {
  return problem?.field === field ? { 'aria-invalid': true as const, 'aria-describedby': `${id}-error` } : {};
}

// FieldProblem is the sentence under an input saying what is wrong with it, when the
// form's problem is about its field. A missing field says "Fill in <label>".
// text, when given, replaces the code's sentence (a code shared by several fields says
// what is wrong with this one).
export function FieldProblem(props: { lang: Lang; problem?: FormProblem; field: string; id: string; label?: string; text?: string }) {
  const p = props.problem;
  if (!p || p.field !== props.field) return null;
  const s = strings[props.lang];
  const text = p.code === 'missing_field' && props.label ? s.fillIn(props.label) : (props.text ?? errorText(s, p.code));
  return (
    <p class="error field-error" role="alert" id={`${props.id}-error`}>
      {text}
    </p>
  );
}

// FormLevelProblem shows the form's problem under the form only when no field of it
// shows it (fields: the fields the form has).
export function FormLevelProblem(props: { lang: Lang; problem?: FormProblem; fields: string[] }) {
  const p = props.problem;
  if (!p || (p.field && props.fields.includes(p.field))) return null;
  return <Problem lang={props.lang} code={p.code} />;
}

// Label is an input's label; a required field's carries a mark drawn by CSS
// (`label.required::after`, with empty alternative text), so the label's text and the
// input's accessible name stay the field's name; its input carries `required`, which
// screen readers announce. RequiredNote explains the mark.
export function Label(props: { for: string; required?: boolean; children: preact.ComponentChildren }) {
  return (
    <label for={props.for} class={props.required ? 'required' : undefined}>
      {props.children}
    </label>
  );
}

// RequiredNote explains the mark of required fields, once at the top of a form.
export function RequiredNote(props: { lang: Lang }) {
  return <p class="muted required-note">{strings[props.lang].requiredNote}</p>;
}
