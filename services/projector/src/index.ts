export * from './createDispatcher.js';
export * from './createProjectionWorker.js';
export * from './dispatcherServer.js';
export * from './metricsServer.js';
