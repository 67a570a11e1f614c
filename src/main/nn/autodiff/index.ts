/** Reverse-mode autodiff over the graph IR: see backward.ts. */
export { addGradients } from './backward';
export type { GradientOptions, Gradients } from './backward';
export { GradientRegistry, gradientRules } from './registry';
export type { GradientContext, GradientRule, InputGradients } from './rule';
