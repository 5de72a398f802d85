export * from './config.js';
export * from './openInfrastructure.js';
export * from './wakeUps.js';
export * from './projectionLag.js';
export * from './operationsProblem.js';
export * from './operationsRoutes.js';
export * from './auditKeys.js';
export * from './notificationSettings.js';
