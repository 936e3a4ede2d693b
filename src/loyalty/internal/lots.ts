import { NEVER, type ProgramContext } from './context.js';

/** The lot an earn at `atMs` creates: when it becomes spendable and when it expires. @internal */
export function lotFor(ctx: ProgramContext, atMs: number): { readonly availableAtMs: number; readonly expiresAtMs: number } {
  return { availableAtMs: ctx.availableAt(atMs), expiresAtMs: ctx.expiresAt(atMs) };
}

/** A lot's instants as entry fields. @internal */
export function lotDates(lot: { readonly availableAtMs: number; readonly expiresAtMs: number }): { readonly availableAt: Date; readonly expiresAt: Date | null } {
  return { availableAt: new Date(lot.availableAtMs), expiresAt: lot.expiresAtMs === NEVER ? null : new Date(lot.expiresAtMs) };
}


/** {@link lotDates} of a lot given by its instants. @internal */
export function lotDatesOf(availableAtMs: number, expiresAtMs: number): { readonly availableAt: Date; readonly expiresAt: Date | null } {
  return { availableAt: new Date(availableAtMs), expiresAt: expiresAtMs === NEVER ? null : new Date(expiresAtMs) };
}
