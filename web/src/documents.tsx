// A space's documents (issue 16; docs/knowledge.md, "Documents"): the Documents tab of a
// space page. Folders (with a breadcrumb), tag chips that filter the list, each
// document's title, size, version and downloads with Download and Bookmark; those who may
// upload add documents and new versions, edit and delete them. Files go straight to
// storage: POST …/uploads (type and size checked), PUT to the address given, then POST
// the document (checked again).
import { useEffect, useState } from 'preact/hooks';
import { formatDate, Lang, strings } from './i18n';
import { Doc, DocList, DocVersion, docMaxBytes, docsApi, uploadDocumentFile } from './knowledge-api';
import { BookmarkButton } from './bookmarks';
import { codeOf, Done, fieldAttrs, FieldProblem, FormLevelProblem, FormProblem, Label, LoadProblem, missing, Problem, problemOf, RequiredNote } from './ui';
import { useFocusHeading } from './signin';

// The form fields of the documents' problem codes.
const docFields: Record<string, string> = {
  document_type: 'file',
  document_too_large: 'file',
  document_empty: 'file',
  document_upload_mismatch: 'file',
  document_file_used: 'file',
  upload_failed: 'file',
  invalid_document_title: 'title',
  invalid_document_description: 'description',
  invalid_document_folder: 'folder',
  invalid_document_tags: 'tags',
};

// fileSize writes a size in bytes as the reader's language does (kB, MB; "Ko", "Mo").
export function fileSize(lang: Lang, bytes: number): string {
  const t = strings[lang].kb;
  const nf = (n: number, digits: number) => new Intl.NumberFormat(lang, { maximumFractionDigits: digits }).format(n);
  if (bytes < 1000) return t.bytes(nf(bytes, 0));
  if (bytes < 1000 * 1000) return t.kilobytes(nf(bytes / 1000, 0));
  return t.megabytes(nf(bytes / (1000 * 1000), 1));
}

// tagsOf reads the tags typed in a field (commas between them), lowercased, once each.
export const tagsOf = (text: string) => [...new Set(text.split(',').map((x) => x.trim().toLowerCase()).filter(Boolean))];

// childFolders are the folders directly inside folder ("" : the top), from every folder's path.
function childFolders(all: { path: string; documents: number }[], folder: string): string[] {
  const prefix = folder ? `${folder}/` : '';
  const out = new Set<string>();
  for (const f of all) {
    if (!f.path.startsWith(prefix) || f.path === folder) continue;
    const rest = f.path.slice(prefix.length).split('/')[0];
    if (rest) out.add(prefix + rest);
  }
  return [...out].sort();
}

export function SpaceDocuments(props: { lang: Lang; spaceId: string; signedIn: boolean }) {
  const s = strings[props.lang];
  const t = s.kb;
  const [folder, setFolder] = useState('');
  const [tag, setTag] = useState('');
  const [list, setList] = useState<DocList>();
  const [docs, setDocs] = useState<Doc[]>([]);
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [version, setVersion] = useState(0);
  const load = (cursor?: string) =>
    docsApi.list(props.spaceId, { folder, tag, cursor }).then(
      (r) => {
        setList(r);
        setDocs((old) => (cursor ? [...old, ...r.documents] : r.documents));
      },
      (err) => setError(codeOf(err)),
    );
  useEffect(() => {
    setError(undefined);
    load();
  }, [props.spaceId, folder, tag, version]);
  const reload = (text?: string) => {
    setNotice(text);
    setVersion((v) => v + 1);
  };
  if (!list) return error ? <Problem lang={props.lang} code={error} /> : <p aria-busy="true">{s.loading}</p>;
  const crumbs = folder ? folder.split('/') : [];
  const folders = childFolders(list.folders, folder);
  return (
    <section class="documents" aria-labelledby="documents-title">
      <h2 id="documents-title">{t.documents}</h2>
      <nav aria-label={t.folders} class="breadcrumb">
        <ol>
          <li>
            {folder ? (
              <button type="button" class="link" onClick={() => setFolder('')}>
                {t.allFolders}
              </button>
            ) : (
              <span aria-current="location">{t.allFolders}</span>
            )}
          </li>
          {crumbs.map((c, i) => {
            const path = crumbs.slice(0, i + 1).join('/');
            return (
              <li key={path}>
                {path === folder ? (
                  <span aria-current="location">{c}</span>
                ) : (
                  <button type="button" class="link" onClick={() => setFolder(path)}>
                    {c}
                  </button>
                )}
              </li>
            );
          })}
        </ol>
      </nav>
      {folders.length > 0 && (
        <ul class="list folders" aria-label={t.subfolders}>
          {folders.map((f) => (
            <li key={f}>
              <button type="button" class="link" onClick={() => setFolder(f)}>
                {t.folderNamed(f.split('/').pop() ?? f)}
              </button>
            </li>
          ))}
        </ul>
      )}
      {list.tags.length > 0 && (
        <div class="tabs chips" role="group" aria-label={t.filterByTag}>
          {list.tags.map((x) => (
            <button type="button" key={x.tag} class="secondary small" aria-pressed={tag === x.tag} onClick={() => setTag(tag === x.tag ? '' : x.tag)}>
              {x.tag} <span class="muted-count">({x.documents})</span>
            </button>
          ))}
        </div>
      )}
      <div role="status" class="muted">
        {tag ? t.filteredByTag(tag, docs.length) : ''}
      </div>
      <Problem lang={props.lang} code={error} />
      <Done show={!!notice} text={notice ?? ''} />
      {docs.length === 0 && <p class="muted">{tag || folder ? t.noDocumentsHere : t.noDocuments}</p>}
      <ul class="list doc-list">
        {docs.map((d) => (
          <DocumentItem key={d.id} lang={props.lang} doc={d} signedIn={props.signedIn} onChanged={reload} />
        ))}
      </ul>
      {list.next && (
        <button type="button" class="secondary" onClick={() => load(list.next)}>
          {s.more}
        </button>
      )}
      {list.canUpload && <UploadForm lang={props.lang} spaceId={props.spaceId} folder={folder} onDone={(d) => reload(t.uploaded(d.title))} />}
    </section>
  );
}

// startDownload opens a presigned address in a new tab (the browser saves or shows the file).
function startDownload(url: string) {
  const a = document.createElement('a');
  a.href = url;
  a.target = '_blank';
  a.rel = 'noopener';
  a.download = '';
  document.body.appendChild(a);
  a.click();
  a.remove();
}

// level: the level of the document's heading (3 under the tab's h2; 2 on its own page).
function DocumentItem(props: { lang: Lang; doc: Doc; signedIn: boolean; onChanged: (text?: string) => void; level?: 2 | 3 }) {
  const t = strings[props.lang].kb;
  const d = props.doc;
  const [downloads, setDownloads] = useState(d.downloads);
  const [error, setError] = useState<string>();
  const [editing, setEditing] = useState(false);
  const [versions, setVersions] = useState<DocVersion[]>();
  const [started, setStarted] = useState(false);
  useEffect(() => setDownloads(d.downloads), [d.downloads]);
  const download = async (version?: number) => {
    setError(undefined);
    setStarted(false);
    try {
      const r = await docsApi.download(d.spaceId, d.id, version);
      setDownloads((n) => n + 1);
      setStarted(true);
      startDownload(r.url);
    } catch (err) {
      setError(codeOf(err));
    }
  };
  const headingId = `doc-${d.id}`;
  return (
    <li class="doc">
      {props.level === 2 ? (
        // On the document's own page the title is its h1: this heading says what follows.
        <h2 class="h4" id={headingId}>
          {t.aboutDocument}
        </h2>
      ) : (
        <h3 class="h4" id={headingId}>
          {d.title}
        </h3>
      )}
      {d.description && <p class="doc-description">{d.description}</p>}
      <p class="muted">
        {[d.name, fileSize(props.lang, d.size), t.versionN(d.version), t.downloadsCount(downloads), t.updatedOn(formatDate(props.lang, d.updatedAt), d.uploadedBy.name)].join(' · ')}
      </p>
      {(d.folder || d.tags.length > 0) && (
        <p class="muted">
          {d.folder && t.inFolder(d.folder)}
          {d.folder && d.tags.length > 0 && ' · '}
          {d.tags.length > 0 && t.tagged(d.tags.join(', '))}
        </p>
      )}
      <div class="actions">
        <button type="button" class="small" onClick={() => download()}>
          {t.download}
          <span class="visually-hidden"> {d.title}</span>
        </button>
        {props.signedIn && <BookmarkButton lang={props.lang} kind="document" id={d.id} title={d.title} bookmarked={d.bookmarked} />}
        {d.version > 1 && (
          <button
            type="button"
            class="secondary small"
            aria-expanded={!!versions}
            onClick={() => (versions ? setVersions(undefined) : docsApi.get(d.spaceId, d.id).then((r) => setVersions(r.versions), (err) => setError(codeOf(err))))}
          >
            {t.versions}
            <span class="visually-hidden"> {d.title}</span>
          </button>
        )}
        {d.canEdit && (
          <button type="button" class="secondary small" aria-expanded={editing} onClick={() => setEditing(!editing)}>
            {t.editDocument}
            <span class="visually-hidden"> {d.title}</span>
          </button>
        )}
      </div>
      <Done show={started} text={t.downloadStarted} />
      <Problem lang={props.lang} code={error} />
      {versions && (
        <ol class="list doc-versions" reversed>
          {[...versions]
            .sort((a, b) => b.version - a.version)
            .map((v) => (
              <li key={v.version}>
                <span>{t.versionN(v.version)}</span>
                <span class="muted">{[v.name, fileSize(props.lang, v.size), t.updatedOn(formatDate(props.lang, v.at), v.uploadedBy.name)].join(' · ')}</span>
                <button type="button" class="secondary small" onClick={() => download(v.version)}>
                  {t.download}
                  <span class="visually-hidden"> {t.versionN(v.version)}</span>
                </button>
              </li>
            ))}
        </ol>
      )}
      {editing && <EditDocument lang={props.lang} doc={d} onDone={(text) => (setEditing(false), props.onChanged(text))} />}
    </li>
  );
}

// FileField is a file input whose choice is checked here first (size), the API
// checking the type and the size again.
function FileField(props: { lang: Lang; id: string; label: string; problem?: FormProblem; onFile: (f?: File) => void; required?: boolean }) {
  const t = strings[props.lang].kb;
  return (
    <>
      <Label for={props.id} required={props.required}>
        {props.label}
      </Label>
      <p class="hint" id={`${props.id}-hint`}>
        {t.fileHint}
      </p>
      <input
        id={props.id}
        type="file"
        required={props.required}
        accept=".png,.jpg,.jpeg,.gif,.webp,.pdf,.txt,.csv,.zip,.docx,.xlsx,.pptx"
        onChange={(e) => props.onFile((e.currentTarget as HTMLInputElement).files?.[0])}
        {...fieldAttrs(props.problem, 'file', props.id)}
        aria-describedby={props.problem?.field === 'file' ? `${props.id}-error ${props.id}-hint` : `${props.id}-hint`}
      />
      <FieldProblem lang={props.lang} problem={props.problem} field="file" id={props.id} label={props.label} />
    </>
  );
}

function UploadForm(props: { lang: Lang; spaceId: string; folder: string; onDone: (d: Doc) => void }) {
  const t = strings[props.lang].kb;
  const [file, setFile] = useState<File>();
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [folder, setFolder] = useState(props.folder);
  const [tags, setTags] = useState('');
  const [problem, setProblem] = useState<FormProblem>();
  const [busy, setBusy] = useState(false);
  useEffect(() => setFolder(props.folder), [props.folder]);
  const submit = async (e: Event) => {
    e.preventDefault();
    const empty = !file ? { code: 'missing_field', field: 'file' } : missing([['title', title]]);
    setProblem(empty);
    if (empty || !file) return;
    if (file.size > docMaxBytes) return setProblem({ code: 'document_too_large', field: 'file' });
    setBusy(true);
    try {
      const up = await uploadDocumentFile(props.spaceId, file);
      const d = await docsApi.create(props.spaceId, { ...up, title: title.trim(), description: description.trim(), folder: folder.trim().replace(/^\/+|\/+$/g, ''), tags: tagsOf(tags) });
      setFile(undefined);
      setTitle('');
      setDescription('');
      setTags('');
      (e.target as HTMLFormElement).reset();
      props.onDone(d);
    } catch (err) {
      setProblem(problemOf(err, docFields));
    } finally {
      setBusy(false);
    }
  };
  return (
    <details class="section upload">
      <summary>{t.upload}</summary>
      <form onSubmit={submit} noValidate>
        <RequiredNote lang={props.lang} />
        <FileField lang={props.lang} id="doc-file" label={t.file} problem={problem} onFile={(f) => (setFile(f), f && !title && setTitle(f.name.replace(/\.[^.]+$/, '')))} required />
        <Label for="doc-title" required>
          {t.docTitle}
        </Label>
        <input id="doc-title" required maxLength={150} value={title} onInput={(e) => setTitle((e.currentTarget as HTMLInputElement).value)} {...fieldAttrs(problem, 'title', 'doc-title')} />
        <FieldProblem lang={props.lang} problem={problem} field="title" id="doc-title" label={t.docTitle} />
        <label for="doc-desc">{t.docDescription}</label>
        <textarea id="doc-desc" rows={2} value={description} onInput={(e) => setDescription((e.currentTarget as HTMLTextAreaElement).value)} {...fieldAttrs(problem, 'description', 'doc-desc')} />
        <FieldProblem lang={props.lang} problem={problem} field="description" id="doc-desc" />
        <label for="doc-folder">{t.folder}</label>
        <p class="hint" id="doc-folder-hint">
          {t.folderHint}
        </p>
        <input id="doc-folder" value={folder} onInput={(e) => setFolder((e.currentTarget as HTMLInputElement).value)} {...fieldAttrs(problem, 'folder', 'doc-folder')} aria-describedby={problem?.field === 'folder' ? 'doc-folder-error doc-folder-hint' : 'doc-folder-hint'} />
        <FieldProblem lang={props.lang} problem={problem} field="folder" id="doc-folder" />
        <label for="doc-tags">{t.tags}</label>
        <p class="hint" id="doc-tags-hint">
          {t.tagsHint}
        </p>
        <input id="doc-tags" value={tags} onInput={(e) => setTags((e.currentTarget as HTMLInputElement).value)} {...fieldAttrs(problem, 'tags', 'doc-tags')} aria-describedby={problem?.field === 'tags' ? 'doc-tags-error doc-tags-hint' : 'doc-tags-hint'} />
        <FieldProblem lang={props.lang} problem={problem} field="tags" id="doc-tags" />
        <FormLevelProblem lang={props.lang} problem={problem} fields={['file', 'title', 'description', 'folder', 'tags']} />
        <button type="submit" disabled={busy} aria-busy={busy}>
          {busy ? t.uploading : t.uploadButton}
        </button>
      </form>
    </details>
  );
}

function EditDocument(props: { lang: Lang; doc: Doc; onDone: (text?: string) => void }) {
  const s = strings[props.lang];
  const t = s.kb;
  const d = props.doc;
  const id = `edit-${d.id}`;
  const [title, setTitle] = useState(d.title);
  const [description, setDescription] = useState(d.description);
  const [folder, setFolder] = useState(d.folder);
  const [tags, setTags] = useState(d.tags.join(', '));
  const [file, setFile] = useState<File>();
  const [problem, setProblem] = useState<FormProblem>();
  const [busy, setBusy] = useState(false);
  const save = async (e: Event) => {
    e.preventDefault();
    const empty = missing([['title', title]]);
    setProblem(empty);
    if (empty) return;
    setBusy(true);
    try {
      await docsApi.update(d.spaceId, d.id, { title: title.trim(), description: description.trim(), folder: folder.trim().replace(/^\/+|\/+$/g, ''), tags: tagsOf(tags) });
      props.onDone(t.documentSaved);
    } catch (err) {
      setProblem(problemOf(err, docFields));
    } finally {
      setBusy(false);
    }
  };
  const newVersion = async () => {
    if (!file) return setProblem({ code: 'missing_field', field: 'file' });
    if (file.size > docMaxBytes) return setProblem({ code: 'document_too_large', field: 'file' });
    setBusy(true);
    setProblem(undefined);
    try {
      const up = await uploadDocumentFile(d.spaceId, file);
      const nd = await docsApi.newVersion(d.spaceId, d.id, up);
      props.onDone(t.versionUploaded(nd.version));
    } catch (err) {
      setProblem(problemOf(err, docFields));
    } finally {
      setBusy(false);
    }
  };
  const remove = async () => {
    if (!confirm(t.confirmDeleteDocument(d.title))) return;
    try {
      await docsApi.remove(d.spaceId, d.id);
      props.onDone(t.documentDeleted(d.title));
    } catch (err) {
      setProblem(problemOf(err, docFields));
    }
  };
  return (
    <div class="doc-edit">
      <form onSubmit={save} noValidate aria-label={t.editDocumentOf(d.title)}>
        <RequiredNote lang={props.lang} />
        <Label for={`${id}-title`} required>
          {t.docTitle}
        </Label>
        <input id={`${id}-title`} required maxLength={150} value={title} onInput={(e) => setTitle((e.currentTarget as HTMLInputElement).value)} {...fieldAttrs(problem, 'title', `${id}-title`)} />
        <FieldProblem lang={props.lang} problem={problem} field="title" id={`${id}-title`} label={t.docTitle} />
        <label for={`${id}-desc`}>{t.docDescription}</label>
        <textarea id={`${id}-desc`} rows={2} value={description} onInput={(e) => setDescription((e.currentTarget as HTMLTextAreaElement).value)} {...fieldAttrs(problem, 'description', `${id}-desc`)} />
        <FieldProblem lang={props.lang} problem={problem} field="description" id={`${id}-desc`} />
        <label for={`${id}-folder`}>{t.folder}</label>
        <input id={`${id}-folder`} value={folder} onInput={(e) => setFolder((e.currentTarget as HTMLInputElement).value)} {...fieldAttrs(problem, 'folder', `${id}-folder`)} />
        <FieldProblem lang={props.lang} problem={problem} field="folder" id={`${id}-folder`} />
        <label for={`${id}-tags`}>{t.tags}</label>
        <input id={`${id}-tags`} value={tags} onInput={(e) => setTags((e.currentTarget as HTMLInputElement).value)} {...fieldAttrs(problem, 'tags', `${id}-tags`)} />
        <FieldProblem lang={props.lang} problem={problem} field="tags" id={`${id}-tags`} />
        <div class="actions">
          <button type="submit" class="small" disabled={busy}>
            {t.saveDocument}
          </button>
          <button type="button" class="secondary small" onClick={remove} disabled={busy}>
            {s.delete}
          </button>
        </div>
      </form>
      <div class="doc-new-version">
        <FileField lang={props.lang} id={`${id}-file`} label={t.newVersionFile} problem={problem} onFile={setFile} />
        <button type="button" class="secondary small" onClick={newVersion} disabled={busy}>
          {t.uploadNewVersion}
        </button>
      </div>
      <FormLevelProblem lang={props.lang} problem={problem} fields={['file', 'title', 'description', 'folder', 'tags']} />
    </div>
  );
}

// DocumentPage is one document's page (/spaces/{id}/documents/{docId}: a bookmark's
// address): the document as the space's list shows it, its versions, and the way to the
// space's other documents.
export function DocumentPage(props: { lang: Lang; spaceId: string; docId: string; navigate: (path: string) => void; signedIn: boolean }) {
  const s = strings[props.lang];
  const t = s.kb;
  const heading = useFocusHeading();
  const [doc, setDoc] = useState<Doc>();
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const load = () => docsApi.get(props.spaceId, props.docId).then(setDoc, (err) => setError(codeOf(err)));
  useEffect(() => {
    load();
  }, [props.spaceId, props.docId]);
  if (!doc) return error ? <LoadProblem lang={props.lang} code={error} navigate={props.navigate} /> : <p aria-busy="true">{s.loading}</p>;
  const spacePath = `/spaces/${encodeURIComponent(props.spaceId)}?tab=documents`;
  return (
    <>
      <h1 tabIndex={-1} ref={heading}>
        {doc.title}
      </h1>
      <p>
        <a
          href={spacePath}
          onClick={(e) => {
            e.preventDefault();
            props.navigate(spacePath);
          }}
        >
          {t.allDocumentsOfSpace}
        </a>
      </p>
      <Done show={!!notice} text={notice ?? ''} />
      <ul class="list doc-list">
        <DocumentItem lang={props.lang} doc={doc} signedIn={props.signedIn} level={2} onChanged={(text) => (setNotice(text), load())} />
      </ul>
    </>
  );
}
