import type { ReactNode } from 'react';
import './globals.css';

export const metadata = { title: 'next-cloud-tasks demo' };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
