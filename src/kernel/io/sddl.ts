/**
 * The subset of SDDL that IoCreateDeviceSecure takes ("SDDL for Device Objects"): "D:P" and then
 * any number of "(A;;Access;;;SID)", Access as 0xHEX or two-letter rights, SID an alias the page
 * lists or a string SID (S-1-...). Anything else is not a device object's SDDL.
 */

/** Generic and specific rights by code, as ACCESS_MASK bits. */
const RIGHTS: Readonly<Record<string, number>> = {
  GA: 0x10000000,
  GX: 0x20000000,
  GW: 0x40000000,
  GR: 0x80000000,
  SD: 0x00010000,
  RC: 0x00020000,
  WD: 0x00040000,
  WO: 0x00080000,
};

/** SID aliases: the accounts, groups and logon kinds the page lists. */
const SID_ALIASES: ReadonlySet<string> = new Set('SY LS NS BA BU BG AU AN IU NU SU BO PU SO WD RC'.split(' '));

export interface DeviceAce {
  readonly access: number;
  readonly sid: string;
}

/** The ACEs of a device object's SDDL, or undefined if the string is not one. */
export function parseDeviceSddl(text: string): DeviceAce[] | undefined {
  if (!text.startsWith('D:P')) return undefined;
  const aces: DeviceAce[] = [];
  const ace = /\(A;;([^;()]*);;;([^;()]*)\)/y;
  ace.lastIndex = 3;
  while (ace.lastIndex < text.length) {
    const m = ace.exec(text);
    if (!m) return undefined;
    const access = parseAccess(m[1]!);
    if (access === undefined || !isSid(m[2]!)) return undefined;
    aces.push({ access, sid: m[2]! });
  }
  return aces;
}

function parseAccess(text: string): number | undefined {
  if (/^0x[0-9a-fA-F]{1,8}$/.test(text)) return parseInt(text.slice(2), 16) >>> 0;
  if (text.length === 0 || text.length % 2 !== 0) return undefined;
  let mask = 0;
  for (let i = 0; i < text.length; i += 2) {
    const bit = RIGHTS[text.slice(i, i + 2)];
    if (bit === undefined) return undefined;
    mask |= bit;
  }
  return mask >>> 0;
}

function isSid(text: string): boolean {
  return SID_ALIASES.has(text) || /^S-1-\d+(-\d+)+$/.test(text);
}
