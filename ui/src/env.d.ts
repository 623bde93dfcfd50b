/// <reference types="svelte" />
/// <reference types="vite/client" />

declare const __UI_VERSION__: string;

declare module '*.ftl?raw' {
  const text: string;
  export default text;
}
