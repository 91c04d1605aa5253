import { expect } from "vitest";
import { ArmError } from "../../src/reconcile/errors.js";

/** Awaits a call that must fail with the ARM client's own error (src/reconcile/errors.ts) and returns it. */
export async function armRefusal(promise: Promise<unknown>): Promise<ArmError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ArmError);
  return err as ArmError;
}
