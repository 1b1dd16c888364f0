// i18n-keys.cjs prints, as JSON, what tests/i18n_test.go checks in the web app's
// sentences as the app holds them at run time (web/src/i18n.ts, bundled): the codes
// `errors` has in each language (what errorText finds), and every key path one language
// has and the other lacks.
const path = require('node:path');
const { loadTS } = require('./lib.cjs');

const { strings } = loadTS(path.resolve(__dirname, '../../web/src/i18n.ts'));

function paths(obj, prefix, out) {
  for (const [k, v] of Object.entries(obj)) {
    const p = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object' && !Array.isArray(v)) paths(v, p, out);
    else out.add(p);
  }
  return out;
}

const en = paths(strings.en, '', new Set());
const fr = paths(strings.fr, '', new Set());
process.stdout.write(JSON.stringify({
  errors: { en: Object.keys(strings.en.errors), fr: Object.keys(strings.fr.errors) },
  onlyEnglish: [...en].filter((p) => !fr.has(p)),
  onlyFrench: [...fr].filter((p) => !en.has(p)),
}));
