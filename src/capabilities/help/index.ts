import type { Actor } from '../../core/actor';
import type { HelpEntry } from '../../core/capability';
import type { SetupState } from '../../core/guidance';
import type { Module } from '../../kernel/kernel';
import { helpCapability, type HelpCapability } from './help.handlers';

export type { HelpCapability } from './help.handlers';

export interface HelpModuleDeps {
  /** Every help entry of every capability (read when the help card is shown). */
  entries: () => readonly HelpEntry[];
  setupState: (actor: Actor) => Promise<SetupState>;
}

/** hjälp / help, greetings, the welcome with the guided setup, the pointer for unknown messages. */
export function registerHelp(deps: HelpModuleDeps): Module<HelpCapability> {
  const help = helpCapability(deps.entries, deps.setupState);
  return { name: 'help', services: help, init: () => Promise.resolve(), capability: help };
}
