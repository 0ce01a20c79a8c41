/**
 * The error of a bad option value, whoever read it (a flag, an environment variable, a config
 * file, a recorded results.json). Kept apart from cli/ so the bench's API can throw it without
 * depending on the command line; the commands turn it into exit code 2.
 */
export class UsageError extends Error {
  override name = 'UsageError';
}
