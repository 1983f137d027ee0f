import { expect } from "vitest";
import { fold, type Decider } from "./decider";
import type { DomainEvent } from "./envelope";

/** given(events).when(command).then(events) / .thenThrows(code): Emmett-style decider specs. */
export function deciderSpec<C, E extends DomainEvent, S>(decider: Decider<C, E, S>) {
  return (given: readonly E[]) => ({
    when: (command: C) => {
      const run = () => decider.decide(command, fold(decider, given));
      return {
        then: (expected: readonly E[]) => expect(run()).toEqual(expected),
        thenTypes: (types: readonly string[]) => expect(run().map((e) => e.type)).toEqual(types),
        thenThrows: (code: string, message?: RegExp) => {
          let caught: unknown;
          try {
            run();
          } catch (err) {
            caught = err;
          }
          expect(caught, "expected the command to be refused").toMatchObject({ code });
          if (message) expect((caught as Error).message).toMatch(message);
        },
      };
    },
  });
}
