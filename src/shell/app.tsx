import { Route, Routes } from 'react-router';
import { SignInPage } from './pages/index.js';
import { SignedIn } from './signed-in.js';

export function App() {
  return (
    <Routes>
      <Route path="/signin" element={<SignInPage />} />
      <Route path="*" element={<SignedIn />} />
    </Routes>
  );
}
