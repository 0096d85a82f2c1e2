import { resourcePolicy, validateTokens } from "../../lib/policy";
import { isUnknown } from "../../lib/values";

const INSTANCE = "aws:ec2/instance:Instance";
const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";

/** Lines of a cloud-config or shell script that turn SSH password logins on. */
const ENABLERS: ReadonlyArray<readonly [RegExp, string]> = [
    [/^\s*ssh_pwauth\s*:\s*(true|yes|on|1)\s*$/im, "ssh_pwauth: true"],
    [/^[^#\n]*\bPasswordAuthentication\s+yes\b/im, "PasswordAuthentication yes"],
    [/^[^#\n]*\bKbdInteractiveAuthentication\s+yes\b/im, "KbdInteractiveAuthentication yes"],
];

function decode(value: unknown, base64: boolean): string | undefined {
    if (typeof value !== "string" || isUnknown(value)) {
        return undefined;
    }
    return base64 ? Buffer.from(value, "base64").toString("utf8") : value;
}

/**
 * SSH is key-only everywhere (the bastion included). The rule reads the user data the VM boots
 * with; instances carry it as text (`userData`) or base64 (`userDataBase64`), launch templates as
 * base64 (`userData`).
 */
export const awsEc2InstanceDisallowPasswordSsh = resourcePolicy({
    name: "aws-ec2-instance-disallow-password-ssh",
    description: "VM user data must not enable SSH password (or keyboard-interactive) authentication.",
    severity: "high",
    category: "security",
    topics: ["hardening"],
    enforcementLevel: "mandatory",
    remediationSteps: "Remove the setting; keep `ssh_pwauth: false` and key-only sshd (components/bootstrap hardening).",
    validateResource: validateTokens([INSTANCE, LAUNCH_TEMPLATE], (props, args, report) => {
        const sources =
            args.type === INSTANCE
                ? [
                      { where: "userData", text: decode(props.userData, false) },
                      { where: "userDataBase64", text: decode(props.userDataBase64, true) },
                  ]
                : [{ where: "userData", text: decode(props.userData, true) }];
        for (const { where, text } of sources) {
            for (const [pattern, what] of ENABLERS) {
                if (text !== undefined && pattern.test(text)) {
                    report(`${where} enables SSH password logins (${what}). SSH must be key-only: remove it and keep ssh_pwauth: false.`);
                }
            }
        }
    }),
});
