// What the catalogue's forms read from the keyboard (issue 12, round 3, g4), kept free
// of JSX so that tests/catalogue_input_test.go runs it in Node: the variants' lines of
// the gift editor, and the countries of a shipping address by name.

// parseVariants reads the variants' lines: "label, stock" with a whole number of 0 to
// 100,000 after the last comma, or "label" alone (no comma) for a stock of 0. It
// returns the number (from 1) of the first line that is neither, and nothing is sent.
export function parseVariants(text: string): { variants: { label: string; stock: number }[]; badLine?: number } {
  const variants: { label: string; stock: number }[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i].trim();
    if (!l) continue;
    const at = l.lastIndexOf(',');
    if (at < 0) {
      variants.push({ label: l, stock: 0 });
      continue;
    }
    const stock = l.slice(at + 1).trim();
    const label = l.slice(0, at).trim();
    if (!/^[0-9]{1,6}$/.test(stock) || Number(stock) > 100000 || !label) return { variants, badLine: i + 1 };
    variants.push({ label, stock: Number(stock) });
  }
  return { variants };
}

// countryCodes are the ISO 3166-1 alpha-2 codes the server takes (shared/rewards/country.go).
export const countryCodes = 'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW XK'.split(' ');

// countries lists them by name in lang (Intl.DisplayNames), sorted by that name.
export function countries(lang: string): [string, string][] {
  const names = new Intl.DisplayNames([lang], { type: 'region' });
  return countryCodes.map((c): [string, string] => [c, names.of(c) ?? c]).sort((a, b) => a[1].localeCompare(b[1], lang));
}

