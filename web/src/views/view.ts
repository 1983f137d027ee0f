/** A view renders into root and returns its clean-up (unsubscribe, abort). nav changes the hash route. */
export type View = (root: HTMLElement, nav: (hash: string) => void, params: Record<string, string>) => () => void;
