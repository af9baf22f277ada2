/** @type {import('next').NextConfig} */
module.exports = {
  serverExternalPackages: ['@google-cloud/tasks'],
};
