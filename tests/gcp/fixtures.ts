/**
 * Shared helpers for the GCP tests: each shipped stack runs ONCE per mocha process (memoised),
 * however many files read its graph.
 */
import * as fs from "fs";
import * as path from "path";
import { CapturedResource, ResourceGraph } from "../../offline/graph";

export { graphOf, inClusterGraphOf, variantOf } from "../support/graphs";

export const G = {
    provider: "pulumi:providers:gcp",
    service: "gcp:projects/service:Service",
    network: "gcp:compute/network:Network",
    subnet: "gcp:compute/subnetwork:Subnetwork",
    address: "gcp:compute/address:Address",
    router: "gcp:compute/router:Router",
    nat: "gcp:compute/routerNat:RouterNat",
    firewall: "gcp:compute/firewall:Firewall",
    instance: "gcp:compute/instance:Instance",
    disk: "gcp:compute/disk:Disk",
    resourcePolicy: "gcp:compute/resourcePolicy:ResourcePolicy",
    instanceIam: "gcp:compute/instanceIAMMember:InstanceIAMMember",
    sa: "gcp:serviceaccount/account:Account",
    projectIam: "gcp:projects/iAMMember:IAMMember",
    keyRing: "gcp:kms/keyRing:KeyRing",
    key: "gcp:kms/cryptoKey:CryptoKey",
    keyIam: "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember",
    bucket: "gcp:storage/bucket:Bucket",
    bucketIam: "gcp:storage/bucketIAMMember:BucketIAMMember",
    secret: "gcp:secretmanager/secret:Secret",
    secretVersion: "gcp:secretmanager/secretVersion:SecretVersion",
    secretIam: "gcp:secretmanager/secretIamMember:SecretIamMember",
    osLoginKey: "gcp:oslogin/sshPublicKey:SshPublicKey",
    cluster: "gcp:container/cluster:Cluster",
    nodePool: "gcp:container/nodePool:NodePool",
} as const;

/** The resource whose provider-assigned id is `id`. */
export function byId(graph: ResourceGraph, id: unknown): CapturedResource | undefined {
    return graph.resources.find((r) => r.id === id);
}

/** Service account logical name -> tier, through the email the mocks computed. */
export function tierOfEmail(graph: ResourceGraph, email: unknown): string {
    const sa = graph.resources.find((r) => r.type === G.sa && r.state.email === email);
    if (!sa) {
        throw new Error(`no service account with email ${String(email)}`);
    }
    return { "bastion-sa": "bastion", "jenkins-sa": "jenkins", "vault-sa": "vault", "wazuh-sa": "wazuh", "cluster-nodes-sa": "nodes" }[sa.name] ?? `unknown:${sa.name}`;
}

/** Children (custom resources) of a component, as `type name`, sorted. */
export function childList(graph: ResourceGraph, componentType: string, componentName: string): string[] {
    const parent = graph.resources.find((r) => r.type === componentType && r.name === componentName);
    if (!parent) {
        throw new Error(`no ${componentType} ${componentName}`);
    }
    return graph.resources
        .filter((r) => r.parent === parent.urn)
        .map((r) => `${r.type.replace(/^gcp:/, "")} ${r.name}`)
        .sort();
}

const SDK_ROOT = path.dirname(require.resolve("@pulumi/gcp/package.json"));
const labelsKeyCache = new Map<string, string | undefined>();

/** The labels input of a GCP type (`labels` or `resourceLabels`), or undefined if it has none. */
export function labelsKeyOf(type: string): string | undefined {
    const m = /^gcp:([^/]+)\/([^:]+):(\w+)$/.exec(type);
    if (!m) {
        return undefined;
    }
    if (!labelsKeyCache.has(type)) {
        const file = path.join(SDK_ROOT, m[1], `${m[2]}.d.ts`);
        const text = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
        const start = text.indexOf(`export interface ${m[3]}Args {`);
        const args = start < 0 ? "" : text.slice(start, text.indexOf("\n}", start));
        labelsKeyCache.set(type, /\n\s+labels\?: pulumi\.Input</.test(args) ? "labels" : /\n\s+resourceLabels\?: pulumi\.Input</.test(args) ? "resourceLabels" : undefined);
    }
    return labelsKeyCache.get(type);
}
