/**
 * Matching IP addresses against a list of addresses and CIDR ranges (`WEB_TRUSTED_PROXIES`), on Hono's
 * own address parsing (`hono/utils/ipaddr`). IPv4-mapped IPv6 addresses (`::ffff:10.0.0.1`) match the
 * IPv4 rules, so a dual-stack listener sees the same proxies as an IPv4 one.
 *
 * @module
 */
import {
  convertIPv4BinaryToString,
  convertIPv4MappedIPv6ToIPv4,
  convertIPv4ToBinary,
  convertIPv6BinaryToString,
  convertIPv6ToBinary,
  distinctRemoteAddr,
  isIPv4MappedIPv6,
} from "hono/utils/ipaddr";

/** A parsed address: family and value. */
export interface ParsedIp {
  /** 4 or 6 (IPv4-mapped IPv6 addresses are given as 4). */
  family: 4 | 6;
  /** The address as a number. */
  value: bigint;
}

/** Parses `text` as an IPv4 or IPv6 address; null when it is not one. */
export function parseIp(text: string): ParsedIp | null {
  const s = text.trim();
  try {
    const type = distinctRemoteAddr(s);
    if (type === "IPv4") return { family: 4, value: convertIPv4ToBinary(s) };
    if (type === "IPv6") {
      const v6 = convertIPv6ToBinary(s.replace(/^\[|\]$/g, ""));
      return isIPv4MappedIPv6(v6)
        ? { family: 4, value: convertIPv4MappedIPv6ToIPv4(v6) }
        : { family: 6, value: v6 };
    }
  } catch {
    // not an address
  }
  return null;
}

/** The canonical text of an address (`::ffff:1.2.3.4` becomes `1.2.3.4`), or null when it is not one. */
export function normalizeIp(text: string): string | null {
  const ip = parseIp(text);
  if (!ip) return null;
  return ip.family === 4 ? convertIPv4BinaryToString(ip.value) : convertIPv6BinaryToString(ip.value);
}

interface Range {
  family: 4 | 6;
  network: bigint;
  mask: bigint;
}

/** True when an address is in the list. */
export type IpMatcher = (address: string) => boolean;

/**
 * Builds a matcher of `rules` (each an address or `address/prefix`). Throws a `TypeError` naming the
 * first rule that is neither.
 */
export function ipMatcher(rules: readonly string[]): IpMatcher {
  const ranges: Range[] = rules.map(parseRule);
  if (ranges.length === 0) return () => false;
  return (address) => {
    const ip = parseIp(address);
    if (!ip) return false;
    return ranges.some((r) => r.family === ip.family && (ip.value & r.mask) === r.network);
  };
}

function parseRule(rule: string): Range {
  const [addr = "", prefixText, ...rest] = rule.trim().split("/");
  const ip = parseIp(addr);
  // an IPv4-mapped IPv6 rule (::ffff:10.0.0.0/104) is written with 128 bits; 96 of them are the mapping
  const mapped = ip?.family === 4 && addr.includes(":");
  const written = ip?.family === 6 || mapped ? 128 : 32;
  const prefix = prefixText === undefined ? written : Number(prefixText);
  const valid = ip !== null && rest.length === 0 &&
    (prefixText === undefined || /^\d{1,3}$/.test(prefixText)) && prefix <= written &&
    (!mapped || prefix >= 96);
  if (!ip || !valid) throw new TypeError(`"${rule}" is not an IP address or CIDR range`);
  const bits = mapped ? prefix - 96 : prefix;
  const width = BigInt(ip.family === 4 ? 32 : 128);
  const mask = bits === 0 ? 0n : ((1n << BigInt(bits)) - 1n) << (width - BigInt(bits));
  return { family: ip.family, network: ip.value & mask, mask };
}
