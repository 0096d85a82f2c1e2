/**
 * The Output-level wrapper cloud components pass as user data: nested Outputs resolve, and the
 * result is exactly the pure rendering.
 */
import * as assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import * as pulumi from "@pulumi/pulumi";
import { BootstrapParamsError, renderBootstrap, renderBootstrapDocument, renderBootstrapGzipBase64 } from "../../components/bootstrap";
import { vaultParams } from "./fixtures";

function value<T>(o: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => o.apply((v) => resolve(v)));
}

describe("bootstrap: renderBootstrap (Output wrapper)", () => {
    it("resolves Outputs nested anywhere in the params (KMS key id, bucket, manager IP)", async () => {
        const p = vaultParams("aws") as Extract<ReturnType<typeof vaultParams>, { cloud: "aws" }>;
        const doc = await value(
            renderBootstrap("vault", {
                ...p,
                wazuhManagerAddress: pulumi.output(p.wazuhManagerAddress),
                seal: { type: "awskms", region: "eu-west-1", kmsKeyId: pulumi.output(p.seal.kmsKeyId) },
                backup: pulumi.output(p.backup),
            }),
        );
        assert.equal(doc, renderBootstrapDocument("vault", p));
    });

    it("gzip+base64 variant for EC2 userDataBase64 decodes to the same document", async () => {
        const b64 = await value(renderBootstrapGzipBase64("vault", vaultParams("aws")));
        assert.equal(gunzipSync(Buffer.from(b64, "base64")).toString("utf8"), renderBootstrapDocument("vault", vaultParams("aws")));
    });

    it("invalid params fail the pure renderer with every problem listed", () => {
        assert.throws(() => renderBootstrapDocument("vault", { ...vaultParams("gcp"), hostname: "" } as never), BootstrapParamsError);
    });
});
