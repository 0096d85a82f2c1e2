/**
 * Pinned versions: every chart and image the in-cluster platform names is an exact version in
 * versions.ts, and nothing under components/kubernetes floats.
 */
import assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { CHART_IMAGES, CHARTS, CLUSTER_AUTOSCALER_IMAGE_TAGS, DEMO_MODEL_HTTPS, DEMO_MODEL_URI } from "../../components/kubernetes";

const DIR = path.resolve(__dirname, "../../components/kubernetes");
const EXACT_SEMVER = /^v?\d+\.\d+\.\d+$/;

describe("kubernetes versions", () => {
    it("every chart has an exact version and its documented repository", () => {
        assert.deepEqual(
            Object.values(CHARTS).map((c) => [c.chart, c.repo]),
            [
                ["argo-cd", "https://argoproj.github.io/argo-helm"],
                ["kube-prometheus-stack", "https://prometheus-community.github.io/helm-charts"],
                ["seldon-core-operator", "https://storage.googleapis.com/seldon-charts"],
                ["cluster-autoscaler", "https://kubernetes.github.io/autoscaler"],
            ],
        );
        for (const c of Object.values(CHARTS)) {
            assert.match(c.version, EXACT_SEMVER, `${c.chart} ${c.version}`);
        }
    });

    it("every image is pinned by an exact tag; Argo CD's and Seldon's tags are their charts' releases", () => {
        for (const [name, img] of Object.entries(CHART_IMAGES)) {
            assert.match(img.tag, /^v?\d+\.\d+\.\d+(-[a-z0-9.-]+)?$/, name);
        }
        assert.equal(CHART_IMAGES.argocd.tag, "v3.4.4", "argo-cd 10.1.1 appVersion");
        for (const img of [CHART_IMAGES.seldonOperator, CHART_IMAGES.seldonExecutor, CHART_IMAGES.seldonSklearnServer, CHART_IMAGES.seldonStorageInitializer]) {
            assert.equal(img.tag, CHARTS.seldonCoreOperator.version);
        }
        assert.ok(DEMO_MODEL_URI.includes(`/v${CHARTS.seldonCoreOperator.version}/`));
        assert.equal(DEMO_MODEL_HTTPS, DEMO_MODEL_URI.replace("gs://", "https://storage.googleapis.com/") + "/model.joblib");
    });

    it("the Cluster Autoscaler image of each cluster minor is an exact tag of that minor", () => {
        for (const [minor, tag] of Object.entries(CLUSTER_AUTOSCALER_IMAGE_TAGS)) {
            assert.match(tag, EXACT_SEMVER);
            assert.ok(tag.startsWith(`v${minor}.`), `${minor}: ${tag}`);
        }
        // The chart's own default image is the 1.35 minor (Chart.yaml appVersion 1.35.0 at 9.59.0).
        assert.equal(CHARTS.clusterAutoscaler.version, "9.59.0");
        assert.ok("1.35" in CLUSTER_AUTOSCALER_IMAGE_TAGS);
    });

    it("no source file under components/kubernetes says `latest` or uses a version range", () => {
        const offenders: string[] = [];
        // admission.ts names `:latest` to refuse it (the tenant image guard rail): its lines that
        // do are the refusal, checked by the admission tests.
        const refusal = (file: string, line: string) => file === "admission.ts" && /endsWith\(':latest'\)|never :latest|not `:latest`/.test(line);
        for (const file of fs.readdirSync(DIR).filter((f) => f.endsWith(".ts"))) {
            const text = fs.readFileSync(path.join(DIR, file), "utf8");
            text.split("\n").forEach((line, i) => {
                if (/["'`:][^"'`]*\blatest\b/.test(line) && !/^\s*(\*|\/\/)/.test(line) && !refusal(file, line)) {
                    offenders.push(`${file}:${i + 1}: ${line.trim()}`);
                }
                if (/version:\s*["'`][~^><*]/.test(line)) {
                    offenders.push(`${file}:${i + 1}: ${line.trim()}`);
                }
            });
        }
        assert.deepEqual(offenders, []);
    });

    it("no cloud SDK is imported by the in-cluster components", () => {
        for (const file of fs.readdirSync(DIR).filter((f) => f.endsWith(".ts"))) {
            const text = fs.readFileSync(path.join(DIR, file), "utf8");
            assert.doesNotMatch(text, /from "@pulumi\/(aws|azure|azure-native|gcp|awsx)"/, file);
            assert.doesNotMatch(text, /new\s+(pulumi\.)?Config\(|require(Object)?\(/, file);
        }
    });
});
