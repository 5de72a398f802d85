/** The web app, for programs that run it with their own clock (tests, the web benchmark). */
export { webExtension, webOptions, webBanner } from './extension.js';
export { registerWeb, webApp, type WebOptions } from './webApp.js';
export { demoAccounts, type DemoAccount } from './demoAccounts.js';
