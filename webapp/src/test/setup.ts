import '@testing-library/jest-dom';

afterEach(() => {
    delete window.PostUtils;
    jest.restoreAllMocks();
});
