/**
 * Shipped-stack graphs for tests: each layer of each stack runs ONCE per mocha process
 * (memoised), however many files read it. Treat the graphs as read-only; a test that mutates one
 * must copy it first.
 */
import { runInClusterStack, runStack, RunStackOptions } from "../../offline/engine";
import { ResourceGraph } from "../../offline/graph";

const cache = new Map<string, Promise<ResourceGraph>>();
const inClusterCache = new Map<string, Promise<ResourceGraph>>();

/** The platform layer's graph of a shipped stack (no overrides), run once per process. */
export function graphOf(stack: string): Promise<ResourceGraph> {
    let run = cache.get(stack);
    if (!run) {
        run = runStack(stack);
        cache.set(stack, run);
    }
    return run;
}

/** The in-cluster layer's graph of a shipped stack, on its platform layer's outputs, run once per process. */
export function inClusterGraphOf(stack: string): Promise<ResourceGraph> {
    let run = inClusterCache.get(stack);
    if (!run) {
        run = graphOf(stack).then((platform) => runInClusterStack(stack, platform));
        inClusterCache.set(stack, run);
    }
    return run;
}

/** A variant run of the platform layer (config overrides): not memoised. */
export function variantOf(stack: string, options: RunStackOptions): Promise<ResourceGraph> {
    return runStack(stack, options);
}
