/**
 * Shipped-stack graphs for tests: each stack runs ONCE per mocha process (memoised), however
 * many files read it. Treat the graphs as read-only; a test that mutates one must copy it first.
 */
import { runStack, RunStackOptions } from "../../offline/engine";
import { ResourceGraph } from "../../offline/graph";

const cache = new Map<string, Promise<ResourceGraph>>();

/** The graph of a shipped stack (no overrides), run once per process. */
export function graphOf(stack: string): Promise<ResourceGraph> {
    let run = cache.get(stack);
    if (!run) {
        run = runStack(stack);
        cache.set(stack, run);
    }
    return run;
}

/** A variant run (config overrides): not memoised. */
export function variantOf(stack: string, options: RunStackOptions): Promise<ResourceGraph> {
    return runStack(stack, options);
}
