export * from './partitions.js';
export * from './config.js';
export * from './createDispatcher.js';
export * from './createProjectionWorker.js';
export * from './projectionLag.js';
export * from './projectorRoutes.js';
export * from './queueDashboard.js';
