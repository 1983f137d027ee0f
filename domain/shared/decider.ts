import type { DomainEvent } from "./envelope";

/**
 * An aggregate as a pure decider (Emmett's shape): `decide` turns a command and the current state
 * into new events (or throws a DomainError); `evolve` folds one event into the state.
 * Neither reads the clock or makes ids: anything time- or id-like comes in on the command.
 */
export interface Decider<Command, Event extends DomainEvent, State> {
  readonly aggregateType: string;
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}

export function fold<E extends DomainEvent, S>(
  decider: Pick<Decider<unknown, E, S>, "evolve" | "initialState">,
  events: readonly E[],
): S {
  return events.reduce((s, e) => decider.evolve(s, e), decider.initialState());
}
