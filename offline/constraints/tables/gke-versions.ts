/**
 * Which Kubernetes minor versions each GKE release channel offers for new clusters, copied from
 * the "Current versions" table at the top of GKE's release notes
 * (https://cloud.google.com/kubernetes-engine/docs/release-notes, row "Available minor versions").
 * Channels move every few weeks: this is a dated snapshot, the copy served at
 * https://docs.cloud.google.com/kubernetes-engine/docs/release-notes (the same page on Google's
 * docs host) and re-read on the date below: Rapid 1.34 to 1.37, Regular 1.34 to 1.36,
 * Stable 1.34 to 1.35, Extended 1.31 to 1.36 (the "No Channel" column is deprecated there and
 * not used here). Refresh it from that page before relying on a
 * version it does not list; the catalogue entry `gcp-gke-version-on-channel` reads it, and a
 * cluster that asks a channel for a minor it does not offer is refused at creation
 * ("Master version ... is unsupported" / not available in the channel).
 *
 * Earlier copies read for the same change, for the trend: Stable offered 1.31-1.33 while Rapid
 * already had 1.35 (January 2026); later Stable 1.33-1.35 with Rapid and Regular at 1.36.
 */
export const GKE_VERSIONS_SOURCE = "https://cloud.google.com/kubernetes-engine/docs/release-notes";
/** When the snapshot below was last checked against the page (the page itself is undated). */
export const GKE_VERSIONS_AS_OF = "2026-11-30";

export type GkeChannel = "RAPID" | "REGULAR" | "STABLE" | "EXTENDED";

/** The channel's available minors, inclusive, as `1.<minor>`. */
export const GKE_CHANNEL_MINORS: Readonly<Record<GkeChannel, { readonly from: string; readonly to: string }>> = {
    RAPID: { from: "1.34", to: "1.37" },
    REGULAR: { from: "1.34", to: "1.36" },
    STABLE: { from: "1.34", to: "1.35" },
    EXTENDED: { from: "1.31", to: "1.36" },
};

const minorOf = (v: string): number | undefined => {
    const m = /^1\.(\d+)(\.|$)/.exec(v);
    return m ? Number(m[1]) : undefined;
};

/** Whether a channel offers a version's minor (`1.35` or `1.35.2-gke.100`). */
export function channelOffers(channel: GkeChannel, version: string): boolean {
    const range = GKE_CHANNEL_MINORS[channel];
    const v = minorOf(version);
    return v !== undefined && v >= minorOf(range.from)! && v <= minorOf(range.to)!;
}
