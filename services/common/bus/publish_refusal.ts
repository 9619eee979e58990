/**
 * Saying plainly that the broker refused a publish: RabbitMQ answers a publish its topic permissions do
 * not allow by closing the channel with `403 ACCESS_REFUSED`, and the client then only reports the
 * channel as closed. This turns that into an error naming the routing key, the user and the exchange.
 *
 * @module
 */

/** Thrown when RabbitMQ refused to let this service's broker user publish a message. */
export class PublishRefusedError extends Error {
  /** Creates the error. */
  constructor(
    readonly user: string,
    readonly routingKey: string,
    readonly exchange: string,
    readonly brokerMessage: string,
  ) {
    super(
      `RabbitMQ refused to let broker user "${user}" publish "${routingKey}" to exchange "${exchange}" ` +
        `(ACCESS_REFUSED: check the user's topic permissions on the exchange; README, "Broker users"). ` +
        `The message stays in the outbox. Broker said: ${brokerMessage}`,
    );
    this.name = "PublishRefusedError";
  }
}

/**
 * The {@linkcode PublishRefusedError} for a publish that failed after the broker closed the channel with
 * `channelError`, or undefined when that was not an access refusal.
 */
export function publishRefusal(
  channelError: string | undefined,
  user: string,
  routingKey: string,
  exchange: string,
): PublishRefusedError | undefined {
  if (!channelError || !/ACCESS[_-]REFUSED/.test(channelError)) return undefined;
  return new PublishRefusedError(user, routingKey, exchange, channelError);
}
