/**
 * The relay's failure flags: `relayPublishFailureRate` fails a publish before it reaches the broker (the
 * record stays in the outbox and the relay's next periodic pass publishes it; the failure does not fail
 * the relay's pass, so the relay does not back off as for a broker outage), and `duplicateDeliveryRate`
 * publishes a record twice with the same message id (the consumers' inbox must drop the second). The
 * relay calls {@linkcode flaggedPublish} only while `flags.enabled`.
 *
 * @module
 */
import { flagFired } from "./fired.ts";
import { flagFires } from "./flags.ts";

/** Thrown for a publish failed on purpose by `relayPublishFailureRate`. */
export class InjectedPublishFailure extends Error {
  /** Creates the error for the message `id`. */
  constructor(id: string) {
    super(`Publish of message ${id} failed on purpose (failure flag relayPublishFailureRate)`);
    this.name = "InjectedPublishFailure";
  }
}

/** Publishes message `id` with `publish`, failing or repeating it as the flags say. */
export async function flaggedPublish(id: string, publish: () => Promise<void>): Promise<void> {
  if (await flagFires("relayPublishFailureRate")) {
    flagFired("relayPublishFailureRate", { messageId: id });
    throw new InjectedPublishFailure(id);
  }
  await publish();
  if (await flagFires("duplicateDeliveryRate")) {
    flagFired("duplicateDeliveryRate", { messageId: id });
    await publish();
  }
}
