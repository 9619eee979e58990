/**
 * OpenFeature's server SDK, set up for OMS flags: one client in the `oms` domain over a provider (our
 * file's in-memory provider, or flagd's). Imported dynamically by the sources, so a process without
 * flags never loads the SDK.
 *
 * @module
 */
import { type Client, InMemoryProvider, OpenFeature, type Provider } from "@openfeature/server-sdk";
import type { FlagDocument } from "./flag_file.ts";
import { type FlagKey, FLAGS } from "./keys.ts";

/** The in-memory provider's configuration (its type is not exported by the SDK). */
type FlagConfiguration = NonNullable<ConstructorParameters<typeof InMemoryProvider>[0]>;

/** The OpenFeature domain of OMS's flags. */
export const FLAGS_DOMAIN = "oms";

/** An OpenFeature client over one provider. */
export interface FeatureClient {
  /** Evaluates a number flag. */
  number(key: FlagKey, fallback: number): Promise<number>;
  /** Evaluates a boolean flag. */
  bool(key: FlagKey, fallback: boolean): Promise<boolean>;
  /** Closes the provider and forgets it. */
  close(): Promise<void>;
}

/**
 * Registers `provider` for the `oms` domain and returns its client. With `wait`, resolves once the
 * provider is ready; without, at once (evaluations answer the fallback until it is).
 */
export async function featureClient(provider: Provider, wait: boolean): Promise<FeatureClient> {
  if (wait) await OpenFeature.setProviderAndWait(FLAGS_DOMAIN, provider);
  else OpenFeature.setProvider(FLAGS_DOMAIN, provider);
  const client: Client = OpenFeature.getClient(FLAGS_DOMAIN);
  return {
    number: (key, fallback) => client.getNumberValue(key, fallback),
    bool: (key, fallback) => client.getBooleanValue(key, fallback),
    close: () => OpenFeature.clearProviders(),
  };
}

/** The SDK's in-memory provider holding the flags of a flag document (what our file provider serves). */
export class DocumentProvider extends InMemoryProvider {
  /** Creates it holding `document`'s flags. */
  constructor(document: FlagDocument) {
    super(configurationOf(document));
  }

  /** Replaces the flags with `document`'s (the SDK tells its clients the configuration changed). */
  put(document: FlagDocument): void {
    this.putConfiguration(configurationOf(document));
  }
}

/**
 * A flag document's OMS flags as the in-memory provider's configuration (targeting is not evaluated;
 * other owners' flags, which parsing leaves unchecked, are left out).
 */
export function configurationOf(document: FlagDocument): FlagConfiguration {
  const config: FlagConfiguration = {};
  for (const [key, flag] of Object.entries(document.flags)) {
    if (!Object.hasOwn(FLAGS, key)) continue;
    config[key] = {
      variants: flag.variants as FlagConfiguration[string]["variants"],
      defaultVariant: flag.defaultVariant,
      disabled: flag.state === "DISABLED",
    };
  }
  return config;
}
