/**
 * Masks a phone number or email address for logs and errors: enough to tell two destinations
 * apart while debugging, never enough to contact the person.
 */
export function maskDestination(to: string): string {
  const at = to.indexOf('@');
  if (at > 0) return `${to[0]}***${to.slice(at)}`;
  if (to.length <= 5) return '***';
  return `${to.slice(0, 3)}${'*'.repeat(Math.max(3, to.length - 5))}${to.slice(-2)}`;
}
