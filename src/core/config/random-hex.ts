/**
 * `length` random hexadecimal digits, for names that must not collide (an MQTT 3.1 client id, a
 * request's correlation data) but protect nothing. Math.random, seeded by V8 from the system's
 * entropy, is enough for that; node:crypto would cost every run that loads this module ~10 ms.
 */
export function randomHex(length: number): string {
  let out = '';
  while (out.length < length) out += Math.floor(Math.random() * 0x100000000).toString(16).padStart(8, '0');
  return out.slice(0, length);
}
