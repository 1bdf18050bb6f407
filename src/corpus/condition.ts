/**
 * MSBuild conditions, as far as driver projects use them: `'$(Configuration)|$(Platform)'=='Release|x64'`,
 * `!('$(UseDebugLibraries)'=='false')`, `$(_NT_TARGET_VERSION)&lt;$(_NT_TARGET_VERSION_WIN8)`, `and`, `or`,
 * parentheses. Properties expand first (an unknown one is empty, as in MSBuild); `exists(...)` is false
 * (the paths it tests are the WDK's and the user's, which a corpus run does not have). Comparisons are
 * numeric when both sides are numbers (decimal or 0x), else case-insensitive string equality.
 */

export type Properties = ReadonlyMap<string, string>;

/** `$(Name)` -> its value; names are case-insensitive in MSBuild, so the map is keyed in lower case. */
export function expandProperties(text: string, props: Properties): string {
  return text.replace(/\$\(([\w.]+)\)/g, (_m, name: string) => props.get(name.toLowerCase()) ?? '');
}

/** The `$(Name)`s in text that props does not define. */
export function unknownProperties(text: string, props: Properties): string[] {
  return [...text.matchAll(/\$\(([\w.]+)\)/g)].map((m) => m[1]!).filter((n) => !props.has(n.toLowerCase()));
}

type Token = { kind: 'str'; value: string } | { kind: 'op'; value: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unterminated quote in condition: ${text}`);
      tokens.push({ kind: 'str', value: text.slice(i + 1, end) });
      i = end + 1;
    } else {
      const op = /^(==|!=|<=|>=|<|>|!|\(|\)|,)/.exec(text.slice(i));
      if (op) {
        tokens.push({ kind: 'op', value: op[1]! });
        i += op[1]!.length;
      } else {
        const word = /^[^\s'=!<>(),]+/.exec(text.slice(i))![0];
        const lower = word.toLowerCase();
        tokens.push(lower === 'and' || lower === 'or' ? { kind: 'op', value: lower } : { kind: 'str', value: word });
        i += word.length;
      }
    }
  }
  return tokens;
}

function asNumber(s: string): number | undefined {
  const t = s.trim();
  if (/^0x[0-9a-f]+$/i.test(t)) return parseInt(t, 16);
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  return undefined;
}

function compare(a: string, op: string, b: string): boolean {
  const x = asNumber(a);
  const y = asNumber(b);
  if (x !== undefined && y !== undefined) {
    switch (op) {
      case '==': return x === y;
      case '!=': return x !== y;
      case '<': return x < y;
      case '>': return x > y;
      case '<=': return x <= y;
      case '>=': return x >= y;
    }
  }
  if (op === '==') return a.toLowerCase() === b.toLowerCase();
  if (op === '!=') return a.toLowerCase() !== b.toLowerCase();
  // An ordering of non-numbers is an error in MSBuild; false keeps the element out.
  return false;
}

/** Evaluates a Condition attribute; an empty one is true. */
export function evaluateCondition(condition: string | undefined, props: Properties): boolean {
  if (condition === undefined || condition.trim() === '') return true;
  // Expand inside and outside quotes; outside, the value becomes a quoted operand so `$(X)<$(Y)` parses when X is empty.
  let expanded = '';
  let quoted = false;
  for (let i = 0; i < condition.length; i++) {
    const c = condition[i]!;
    if (c === "'") quoted = !quoted;
    const m = c === '$' ? /^\$\(([\w.]+)\)/.exec(condition.slice(i)) : null;
    if (m) {
      const value = props.get(m[1]!.toLowerCase()) ?? '';
      expanded += quoted ? value : `'${value}'`;
      i += m[0].length - 1;
    } else expanded += c;
  }
  const tokens = tokenize(expanded);
  let p = 0;
  const peek = () => tokens[p];
  const isOp = (v: string) => peek()?.kind === 'op' && peek()!.value === v;
  const expect = (v: string) => {
    if (!isOp(v)) throw new Error(`expected '${v}' in condition: ${condition}`);
    p++;
  };

  function orExpr(): boolean {
    let v = andExpr();
    while (isOp('or')) {
      p++;
      const r = andExpr();
      v = v || r;
    }
    return v;
  }
  function andExpr(): boolean {
    let v = unary();
    while (isOp('and')) {
      p++;
      const r = unary();
      v = v && r;
    }
    return v;
  }
  function unary(): boolean {
    if (isOp('!')) {
      p++;
      return !unary();
    }
    if (isOp('(')) {
      p++;
      const v = orExpr();
      expect(')');
      return v;
    }
    return comparison();
  }
  function operand(): string {
    const t = peek();
    if (t?.kind !== 'str') throw new Error(`expected an operand in condition: ${condition}`);
    p++;
    if (isOp('(')) {
      // A function: exists('...'), HasTrailingSlash('...'): skip its arguments; false.
      let depth = 0;
      do {
        if (isOp('(')) depth++;
        else if (isOp(')')) depth--;
        p++;
      } while (depth > 0 && p < tokens.length);
      return 'false';
    }
    return t.value;
  }
  function comparison(): boolean {
    const left = operand();
    const t = peek();
    if (t?.kind === 'op' && ['==', '!=', '<', '>', '<=', '>='].includes(t.value)) {
      p++;
      return compare(left, t.value, operand());
    }
    return left.toLowerCase() === 'true';
  }

  const v = orExpr();
  if (p !== tokens.length) throw new Error(`unexpected text in condition: ${condition}`);
  return v;
}
