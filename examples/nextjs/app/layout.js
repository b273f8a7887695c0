export const metadata = { title: "hcp-segments: Next.js App Router" };

export default function RootLayout({ children }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
