// Minimal types for oidc-provider 9, which ships none: only what the demo provider uses.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface InteractionDetails {
    uid: string;
    prompt: { name: string; reasons: string[]; details: Record<string, unknown> };
    params: Record<string, unknown>;
    session?: { accountId?: string };
    grantId?: string;
  }

  export interface Account {
    accountId: string;
    claims(use: string, scope: string): Promise<Record<string, unknown>> | Record<string, unknown>;
  }

  export interface ClientModel {
    clientId: string;
    grantTypeAllowed(type: string): boolean;
    backchannelLogout(sub: string, sid: string): Promise<void>;
  }

  export interface GrantModel {
    addOIDCScope(scope: string): void;
    save(): Promise<string>;
  }

  export interface StoredToken {
    destroy(): Promise<void>;
  }

  export interface ProviderContext {
    host: string;
    body: unknown;
    type: string;
    status: number;
    oidc: {
      client?: ClientModel;
      session?: { accountId?: string; grantIdFor(clientId: string): string | undefined };
      result?: { consent?: { grantId?: string } };
      provider: Provider;
    };
  }

  export type Configuration = Record<string, unknown>;

  export default class Provider {
    constructor(issuer: string, configuration: Configuration);
    proxy: boolean;
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
    interactionFinished(req: IncomingMessage, res: ServerResponse, result: Record<string, unknown>, options?: { mergeWithLastSubmission?: boolean }): Promise<void>;
    on(event: string, listener: (...args: never[]) => void): this;
    readonly Client: { find(id: string): Promise<ClientModel | undefined> };
    readonly Grant: { new (init: { accountId: string; clientId: string }): GrantModel; find(id: string): Promise<GrantModel | undefined> };
  }
}
