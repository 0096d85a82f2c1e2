/** In-cluster platform: cloud-agnostic addons installed through a `k8s.Provider`. */
export * from "./addons";
export * from "./argocd";
export * from "./autoscaler";
export * from "./baseline";
export * from "./common";
export * from "./hints";
export * from "./model-serving";
export * from "./monitoring";
export * from "./versions";
export * from "./kubeconfig";
export * from "./admission";
export * from "./jenkins-agents";
