// vitest globalSetup: compile the package once before the CLI end-to-end tests, and tell the test
// workers so they do not build again.
import type { TestProject } from "vitest/node";
import { buildCli } from "./build.js";

declare module "vitest" {
  export interface ProvidedContext {
    cliBuilt: boolean;
  }
}

export default function setup(project: TestProject): void {
  buildCli();
  project.provide("cliBuilt", true);
}
