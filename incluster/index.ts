/**
 * Entry point of the IN-CLUSTER layer (project `platform-incluster`): baseline, Argo CD,
 * kube-prometheus-stack and Seldon Core on the cluster of the platform stack it references.
 * See components/kubernetes/program.ts; run after the platform stack of the same name.
 */
import { inClusterProgram } from "../components/kubernetes/program";

export = inClusterProgram;
