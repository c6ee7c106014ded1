// Minimal types for koa-router 14, which ships none: only what src/server uses.
declare module 'koa-router' {
  import type { DefaultContext, DefaultState, Middleware, ParameterizedContext } from 'koa';

  export interface RouterOptions {
    prefix?: string;
    /** Match paths case-sensitively. */
    sensitive?: boolean;
    /** Treat a trailing slash as significant. */
    strict?: boolean;
    exclusive?: boolean;
    methods?: string[];
  }

  export interface AllowedMethodsOptions {
    throw?: boolean;
    notImplemented?: () => unknown;
    methodNotAllowed?: () => unknown;
  }

  export type RouterContext<StateT = DefaultState, ContextT = DefaultContext> = ParameterizedContext<
    StateT,
    ContextT & { params: Record<string, string>; _matchedRoute?: string; matched?: unknown[] }
  >;

  type RouteMiddleware<StateT, ContextT> = Middleware<
    StateT,
    ContextT & { params: Record<string, string>; _matchedRoute?: string; matched?: unknown[] }
  >;

  export default class Router<StateT = DefaultState, ContextT = DefaultContext> {
    constructor(options?: RouterOptions);
    get(path: string, ...middleware: RouteMiddleware<StateT, ContextT>[]): this;
    post(path: string, ...middleware: RouteMiddleware<StateT, ContextT>[]): this;
    put(path: string, ...middleware: RouteMiddleware<StateT, ContextT>[]): this;
    patch(path: string, ...middleware: RouteMiddleware<StateT, ContextT>[]): this;
    delete(path: string, ...middleware: RouteMiddleware<StateT, ContextT>[]): this;
    all(path: string, ...middleware: RouteMiddleware<StateT, ContextT>[]): this;
    use(...middleware: RouteMiddleware<StateT, ContextT>[]): this;
    routes(): Middleware<StateT, ContextT>;
    middleware(): Middleware<StateT, ContextT>;
    allowedMethods(options?: AllowedMethodsOptions): Middleware<StateT, ContextT>;
  }
}
