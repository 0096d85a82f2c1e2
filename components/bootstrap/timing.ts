/**
 * Every wait and retry of the first boot, in ONE place, with the delay it has to outlast.
 *
 * cloud-init imposes no deadline of its own: runcmd runs inside cloud-final.service, whose unit
 * sets `TimeoutSec=0` (canonical/cloud-init systemd/cloud-final.service.tmpl; the same in
 * Debian's 22.4 package). So the bootstrap bounds itself: every retry loop has a fixed number of
 * attempts, and the runner gives each step a budget (`timeout`) that is larger than the step's
 * worst case of retries, so a budget is only ever hit by something that hangs, never by a
 * retry loop doing its job. tests/bootstrap/boot.test.ts measures the worst case of every step
 * with every attempt failing (the harness records each `sleep`) and compares it with these
 * budgets and with the documented propagation delays below.
 */

/** A bounded retry: `attempts` tries, pausing `firstDelaySeconds`, doubling up to `maxDelaySeconds`. */
export interface RetryPolicy {
    readonly attempts: number;
    readonly firstDelaySeconds: number;
    readonly maxDelaySeconds: number;
}

/** Total seconds slept by a policy when every attempt fails (attempts - 1 pauses). */
export function worstCaseSleepSeconds(p: RetryPolicy): number {
    let total = 0;
    let delay = p.firstDelaySeconds;
    for (let i = 1; i < p.attempts; i++) {
        total += delay;
        delay = Math.min(delay * 2, p.maxDelaySeconds);
    }
    return total;
}

export const RETRY_POLICIES = {
    /**
     * Reads from the cloud's secret store with the VM identity. The grant is created with the VM
     * but takes effect later: Azure RBAC role assignments "can take up to 10 minutes" to apply
     * (learn.microsoft.com/azure/role-based-access-control/troubleshooting, "Role assignment
     * changes are not being detected"); GCP IAM changes "typically" apply within 2 minutes and
     * "can take 7 minutes or longer" (cloud.google.com/iam/docs/access-change-propagation); AWS
     * IAM is eventually consistent (docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html).
     * 12 attempts, 5 s doubling to 120 s: 875 s (14.6 min) of waiting, above the longest of them.
     */
    secret: { attempts: 12, firstDelaySeconds: 5, maxDelaySeconds: 120 },
    /**
     * Package mirrors, vendor repositories and downloads: the VM may boot before its NAT / route /
     * private endpoints exist (each cloud creates them minutes apart). 10 attempts, 5 s doubling
     * to 60 s: 375 s (6.25 min).
     */
    network: { attempts: 10, firstDelaySeconds: 5, maxDelaySeconds: 60 },
    /**
     * The Wazuh installation assistant: a failed run rolls itself back (installCommon_rollBack,
     * wazuh-installation-assistant 4.14.8), so it can be started again; 2 attempts, 60 s apart.
     */
    wazuhInstaller: { attempts: 2, firstDelaySeconds: 60, maxDelaySeconds: 60 },
} as const satisfies Record<string, RetryPolicy>;

/**
 * How long apt waits for the dpkg lock (apt.conf(5): `DPkg::Lock::Timeout`, seconds). On a first
 * boot, apt-daily-upgrade (unattended-upgrades) may hold the lock while it installs the day's
 * security updates: waiting is right, failing is not.
 */
export const APT_LOCK_TIMEOUT_SECONDS = 300;

/** How long the data-disk step waits for the attachment to appear (it may attach after boot). */
export const DATA_DISK_WAIT = { polls: 120, intervalSeconds: 5 } as const;

/**
 * The runner's budget per step (seconds, GNU `timeout`; the step is killed 30 s after it).
 * Each is above the step's worst case of retries (measured by the harness), with room for the
 * work itself (the Wazuh assistant alone takes 10-20 minutes on a healthy VM).
 */
export const STEP_BUDGET_SECONDS = {
    packages: 1800,
    hardening: 300,
    tls: 1200,
    operations: 300,
    dataDisk: 900,
    jenkins: 2400,
    vault: 2400,
    wazuhServer: 5400,
    nodeExporter: 900,
    wazuhAgent: 2400,
} as const;

/** Seconds GNU `timeout` waits after TERM before it KILLs a step that overran its budget. */
export const STEP_KILL_AFTER_SECONDS = 30;

/**
 * How long the agent step watches for the manager's verdict after starting the agent: connected
 * (done) or refused as too new (the step fails and says why). Nothing decided after 2 minutes
 * (the manager may still be installing on a new stack): the step ends and the health metric
 * platform_wazuh_agent_connected keeps watching.
 */
export const WAZUH_AGENT_CHECK = { polls: 24, intervalSeconds: 5 } as const;
