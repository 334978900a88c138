/**
 * Values `npm run seal --generate` makes, and the password rule of the Memphis broker.
 *
 * Memphis 1.4.3 accepts an application user's password only if it is 8–20 characters of
 * `[A-Za-z0-9!?-@#$%]` with an upper- and a lower-case letter, a digit and one of `!?-@#$%`
 * (memphisdev/memphis@v1.4.3 server/memphis_handlers_user_mgmt.go validatePassword); the
 * memphis-user Job would otherwise fail in the cluster, so sealing checks it first.
 */
import { randomInt } from "node:crypto";

const UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ";
const LOWER = "abcdefghijkmnopqrstuvwxyz";
const DIGITS = "23456789";
const SPECIAL = "!?-@#$%";
const ALPHANUMERIC = UPPER + LOWER + DIGITS;

function pick(alphabet: string, length: number): string {
  return Array.from({ length }, () => alphabet[randomInt(alphabet.length)]).join("");
}

/** Why Memphis would reject this application-user password, or undefined when it accepts it. */
export function memphisPasswordProblem(password: string): string | undefined {
  if (password.length < 8 || password.length > 20) return "Memphis needs 8 to 20 characters";
  if (!/^[A-Za-z0-9!?\-@#$%]+$/.test(password)) return "Memphis allows only letters, digits and !?-@#$%";
  if (
    !/[A-Z]/.test(password) ||
    !/[a-z]/.test(password) ||
    !/[0-9]/.test(password) ||
    !/[!?\-@#$%]/.test(password)
  )
    return "Memphis needs an upper- and a lower-case letter, a digit and one of !?-@#$%";
  return undefined;
}

/** Keys whose generated value is a fixed user name rather than a random secret. */
const GENERATED_USER_NAMES: Readonly<Record<string, string>> = {
  "admin-user": "admin",
  BROKER_USERNAME: "pipeline",
};

/** A value for one key: a user name, a Memphis-valid password for BROKER_PASSWORD, else 32 random alphanumerics. */
export function generatedSecretValue(key: string): string {
  const user = GENERATED_USER_NAMES[key];
  if (user !== undefined) return user;
  if (key === "BROKER_PASSWORD")
    return pick(UPPER, 1) + pick(LOWER, 1) + pick(DIGITS, 1) + pick(SPECIAL, 1) + pick(ALPHANUMERIC, 14);
  return pick(ALPHANUMERIC, 32);
}
