/**
 * The "Tool VM operations" monitoring block (issue 22): every alert reads a metric some writer on
 * the VMs really produces (the rendered bootstrap scripts, or node_exporter's own collectors), the
 * Vault scrape job reads Vault's documented endpoint with the scoped token from a mounted Secret,
 * and the rule objects pass the PrometheusRule schema.
 */
import assert from "node:assert/strict";
import { parse } from "yaml";
import { renderBootstrapDocument } from "../../components/bootstrap";
import { monitoringValues, prometheusRule, toolVmOperationsRules, vaultScrapeConfigs } from "../../components/kubernetes/monitoring";
import { paramsFor } from "../bootstrap/fixtures";
import { TEST_CA_PEM, TOOL_VMS } from "./fixtures";
import { loadValidators, validateObject } from "./schemas";

/** node_exporter's filesystem collector (prometheus/node_exporter collector/filesystem_common.go). */
const NODE_EXPORTER_METRICS = ["node_filesystem_avail_bytes", "node_filesystem_size_bytes"];

/** Every metric name the rendered VMs write for the textfile collector (all roles, one cloud: the writers are cloud-agnostic). */
function writtenMetrics(): Set<string> {
    const names = new Set<string>();
    for (const role of ["bastion", "jenkins", "vault", "wazuh"] as const) {
        const doc = parse(renderBootstrapDocument(role, paramsFor(role, "aws"))) as { write_files: { content: string }[] };
        for (const f of doc.write_files) {
            for (const m of f.content.matchAll(/\b(platform_[a-z_]+)\b/g)) names.add(m[1]);
            // The timer jobs' shared writer (lib.sh report_outcome PROM METRIC ...) writes two
            // series per job; the executed harness reads them back from the job's .prom file.
            for (const m of f.content.matchAll(/\breport_outcome "\$PROM" (platform_[a-z_]+) /g)) {
                names.add(`${m[1]}_last_run_success`);
                names.add(`${m[1]}_last_success_timestamp_seconds`);
            }
        }
    }
    return names;
}

describe("monitoring: tool VM operations (issue 22)", () => {
    const written = writtenMetrics();

    for (const scraped of [false, true]) {
        it(`every alert reads metrics a VM writes (Vault scraped: ${scraped}), with a sustained for`, () => {
            for (const rule of toolVmOperationsRules(scraped)) {
                const metrics = [...rule.expr.matchAll(/\b([a-z_]+)\{/g)].map((m) => m[1]).filter((m) => m !== "up");
                // Prometheus' own `up` of the Vault job is the one metric no VM writes.
                assert.ok(metrics.length > 0 || /^up\{job="vault"\} == 0$/.test(rule.expr), rule.alert);
                for (const m of metrics) assert.ok(written.has(m) || NODE_EXPORTER_METRICS.includes(m), `${rule.alert}: nothing writes ${m}`);
                assert.match(rule.for, /^\d+[mh]$/);
            }
            assert.equal(toolVmOperationsRules(scraped).some((r) => r.alert === "VaultMetricsUnreadable"), scraped, "the Vault job's alert only where the job exists");
        });
    }

    it("the disk alerts watch / and every data disk's mount point", () => {
        const filling = toolVmOperationsRules(false).find((r) => r.alert === "ToolVmDiskFilling")!;
        for (const mount of ["/", "/var/lib/jenkins", "/opt/vault/data", "/var/lib/wazuh-data"]) assert.ok(filling.expr.includes(mount === "/" ? '"/|' : mount), mount);
    });

    it("Vault: /v1/sys/metrics?format=prometheus (developer.hashicorp.com/vault/api-docs/system/metrics), TLS with the platform CA, the token from the mounted Secret", () => {
        assert.deepEqual(vaultScrapeConfigs("10.20.3.11", TEST_CA_PEM), [
            {
                job_name: "vault",
                scrape_interval: "30s",
                scheme: "https",
                metrics_path: "/v1/sys/metrics",
                params: { format: ["prometheus"] },
                tls_config: { ca: TEST_CA_PEM, min_version: "TLS12" },
                // prometheus-operator mounts prometheusSpec.secrets at /etc/prometheus/secrets/<name>/.
                authorization: { type: "Bearer", credentials_file: "/etc/prometheus/secrets/vault-metrics-token/token" },
                static_configs: [{ targets: ["10.20.3.11:8200"], labels: { role: "vault" } }],
            },
        ]);
        assert.throws(() => vaultScrapeConfigs("10.20.3.11", undefined), /pass internalCaCertPem/);
        const values = monitoringValues("dev", "gp3", { enabled: false }, TOOL_VMS, [], TEST_CA_PEM, undefined, { address: "10.20.3.11" }) as any;
        assert.deepEqual(values.prometheus.prometheusSpec.secrets, ["vault-metrics-token"]);
        assert.deepEqual(values.prometheus.prometheusSpec.additionalScrapeConfigs.map((c: { job_name: string }) => c.job_name), ["tool-vms", "vault"]);
        const without = monitoringValues("dev", "gp3", { enabled: false }, TOOL_VMS, [], TEST_CA_PEM) as any;
        assert.deepEqual(without.prometheus.prometheusSpec.secrets, []);
        assert.deepEqual(without.prometheus.prometheusSpec.additionalScrapeConfigs.map((c: { job_name: string }) => c.job_name), ["tool-vms"]);
    });

    it("the PrometheusRule with both groups passes the prometheus-operator schema", async () => {
        const v = await loadValidators();
        for (const scraped of [false, true]) {
            const rule = prometheusRule("monitoring", scraped) as any;
            assert.deepEqual(rule.spec.groups.map((g: { name: string }) => g.name), ["platform.rules", "platform.tool-vm-operations"]);
            validateObject(v, rule);
        }
    });
});
