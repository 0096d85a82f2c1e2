// ESLint flat config: typescript-eslint (type-aware) + Pulumi's rules that catch an Output
// interpolated into a template string (use pulumi.interpolate instead).
import pulumi from "@pulumi/eslint-plugin";
import tseslint from "typescript-eslint";

export default tseslint.config(
    { ignores: ["node_modules/**", "bin/**", ".scratch/**", ".cache/**", "policy-pack/node_modules/**", "policy-pack/bin/**", "**/*.js", "**/*.mjs"] },
    ...tseslint.configs.recommended,
    {
        files: ["**/*.ts"],
        languageOptions: {
            parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
        },
        plugins: { pulumi },
        rules: {
            "pulumi/no-output-in-template-literal": "error",
            "pulumi/no-output-instance-in-template-literal": "error",
            "@typescript-eslint/no-floating-promises": "error",
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
            "@typescript-eslint/no-explicit-any": "off",
            eqeqeq: ["error", "always"],
            "no-console": "off",
        },
    },
    {
        // Tests may use the SDK's dynamic shapes freely.
        files: ["tests/**/*.ts"],
        rules: { "@typescript-eslint/no-non-null-assertion": "off" },
    },
);
